package io.driftline.catalog.api;

import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.sparql.FleetQueries;
import io.driftline.catalog.vocab.Iris;
import io.driftline.catalog.vocab.VersionRef;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Device and model version descriptions: store or validate one directly (the same mapping and SHACL
 * shapes as the registry events; 422 with the SHACL report when invalid), read one back as Turtle,
 * and list devices by class, sensor kind and precision.
 */
@RestController
@RequestMapping("/catalog")
class DescriptionResource {

  private final Catalog catalog;
  private final FleetQueries queries;

  DescriptionResource(Catalog catalog, FleetQueries queries) {
    this.catalog = catalog;
    this.queries = queries;
  }

  @PutMapping("/devices/{deviceId}")
  Map<String, String> putDevice(@PathVariable String deviceId, @RequestBody JsonNode description) {
    catalog.putDevice(deviceId, description);
    return Map.of("device", deviceId, "iri", Iris.device(deviceId));
  }

  @PostMapping("/validation/devices/{deviceId}")
  Map<String, Object> validateDevice(@PathVariable String deviceId, @RequestBody JsonNode description) {
    catalog.validateDevice(deviceId, description);
    return Map.of("device", deviceId, "conforms", true);
  }

  @PutMapping("/models/{name}/versions/{version}")
  Map<String, String> putVersion(@PathVariable String name, @PathVariable long version,
      @RequestBody JsonNode description) {
    VersionRef ref = new VersionRef(name, version);
    catalog.putVersion(ref, description);
    return Map.of("version", ref.toString(), "iri", Iris.version(ref));
  }

  @PostMapping("/validation/models/{name}/versions/{version}")
  Map<String, Object> validateVersion(@PathVariable String name, @PathVariable long version,
      @RequestBody JsonNode description) {
    VersionRef ref = new VersionRef(name, version);
    catalog.validateVersion(ref, description);
    return Map.of("version", ref.toString(), "conforms", true);
  }

  @GetMapping(value = "/devices/{deviceId}", produces = "text/turtle")
  String device(@PathVariable String deviceId) {
    Model description = catalog.store().graph(Iris.deviceGraph(deviceId));
    if (description.isEmpty()) {
      throw new NotInCatalogException("no device '" + deviceId + "' in the catalog");
    }
    description.add(catalog.store().graph(Iris.deviceStateGraph(deviceId)));
    return turtle(description);
  }

  @GetMapping(value = "/models/{name}/versions/{version}", produces = "text/turtle")
  String version(@PathVariable String name, @PathVariable long version) {
    Model description = catalog.store().graph(Iris.versionGraph(name, version));
    if (description.isEmpty()) {
      throw new NotInCatalogException("no model version '" + name + ":" + version + "' in the catalog");
    }
    return turtle(description);
  }

  @GetMapping(value = "/devices", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> devices(@RequestParam(name = "class", required = false) @Nullable String deviceClass,
      @RequestParam(required = false) @Nullable String sensorKind,
      @RequestParam(required = false) @Nullable String precision) {
    List<String> ids = queries.deviceIds(deviceClass, sensorKind, precision);
    return Map.of("count", ids.size(), "devices", ids);
  }

  private static String turtle(Model model) {
    model.setNsPrefix("dl", io.driftline.catalog.vocab.DL.NS);
    model.setNsPrefix("sosa", io.driftline.catalog.vocab.W3C.SOSA);
    model.setNsPrefix("ssn-system", io.driftline.catalog.vocab.W3C.SSN_SYSTEM);
    model.setNsPrefix("mls", io.driftline.catalog.vocab.W3C.MLS);
    model.setNsPrefix("prov", io.driftline.catalog.vocab.W3C.PROV);
    StringWriter out = new StringWriter();
    RDFDataMgr.write(out, model, Lang.TURTLE);
    return out.toString();
  }
}
