package io.driftline.catalog.sparql;

import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.W3C;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.jena.query.ParameterizedSparqlString;
import org.apache.jena.query.QuerySolutionMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Canned SPARQL queries behind the REST resources. Filter values from clients are set with
 * {@link ParameterizedSparqlString} (as literals or encoded IRIs), never concatenated into the text.
 */
public final class FleetQueries {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SparqlService sparql;

  /** Creates the queries over {@code sparql} (same timeout and limit as the endpoint). */
  public FleetQueries(SparqlService sparql) {
    this.sparql = sparql;
  }

  /**
   * Lists the ids of active devices that match every given filter, in id order.
   *
   * @param deviceClass the device class, or null for any
   * @param sensorKind a kind of sensor the device hosts, or null for any
   * @param precision a precision name it supports (FP32, INT8, BINARY), or null for any
   */
  public List<String> deviceIds(@Nullable String deviceClass, @Nullable String sensorKind,
      @Nullable String precision) {
    ParameterizedSparqlString pss = new ParameterizedSparqlString();
    pss.setNsPrefix("dl", DL.NS);
    pss.setNsPrefix("sosa", W3C.SOSA);
    pss.setNsPrefix("ssys", W3C.SSN_SYSTEM);
    pss.append("SELECT DISTINCT ?id WHERE {\n  ?device a dl:Device ; dl:deviceId ?id .\n");
    if (deviceClass != null) {
      pss.append("  ?device dl:deviceClass ?deviceClass .\n");
      pss.setLiteral("deviceClass", deviceClass);
    }
    if (sensorKind != null) {
      pss.append("  ?device sosa:hosts/dl:sensorKind ?sensorKind .\n");
      pss.setLiteral("sensorKind", sensorKind);
    }
    if (precision != null) {
      pss.append("  ?device ssys:hasSystemCapability/dl:supportsPrecision ?precision .\n");
      pss.setIri("precision", DL.precision(precision).getURI());
    }
    pss.append("  FILTER NOT EXISTS { ?device dl:revoked true }\n} ORDER BY ?id");
    SparqlResult result = sparql.run(pss.asQuery(), new QuerySolutionMap());
    List<String> ids = new ArrayList<>();
    JsonNode bindings = JSON.readTree(new String(result.body(), StandardCharsets.UTF_8))
        .path("results").path("bindings");
    for (JsonNode binding : bindings) {
      ids.add(binding.path("id").path("value").asString());
    }
    return ids;
  }
}
