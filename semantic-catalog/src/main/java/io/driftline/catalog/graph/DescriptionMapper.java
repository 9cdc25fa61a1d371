package io.driftline.catalog.graph;

import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.Iris;
import io.driftline.catalog.vocab.VersionRef;
import io.driftline.catalog.vocab.W3C;
import io.driftline.core.events.RegistryEvent;
import java.util.List;
import java.util.Map;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.rdf.model.Literal;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.vocabulary.RDF;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Turns registry descriptions (the payloads of {@code registry.events}, which the REST resources
 * accept too) into the graph writes that store them: the one mapping from JSON to RDF.
 *
 * <p>The mapping is lenient on purpose: a value of the wrong JSON type becomes a literal of the
 * wrong datatype, a missing field becomes a missing triple, so the SHACL shapes, not this class,
 * decide what is valid and report every problem at once. It throws {@link DescriptionException}
 * only where no IRI can be made (a payload that names a different entity than its key).
 */
public final class DescriptionMapper {

  /**
   * Returns the writes that apply a registry event of {@code type} about {@code entityId}.
   *
   * @return no writes for {@link RegistryEvent.Type#UNKNOWN}
   * @throws DescriptionException if the payload contradicts the entity id or lacks the fields IRIs are made of
   */
  public List<GraphWrite> map(RegistryEvent.Type type, String entityId, JsonNode payload) {
    return switch (type) {
      case DEVICE_ENROLLED -> List.of(GraphWrite.replace(Iris.deviceGraph(entityId), device(entityId, payload)));
      case DEVICE_REVOKED -> List.of(deviceState(entityId, payload, (m, d) -> m.addLiteral(d, DL.revoked, true)));
      case DESIRED_STATE_SET -> List.of(deviceState(entityId, payload, (m, d) -> {
        addVersionLink(m, d, DL.desiredBundle, payload.get("bundle"), "bundle");
        addLiteral(m, d, DL.desiredGeneration, payload.get("generation"));
        addLiteral(m, d, DL.rolloutId, payload.get("rolloutId"));
      }));
      case REPORTED_STATE -> List.of(deviceState(entityId, payload,
          (m, d) -> addVersionLink(m, d, DL.activeBundle, payload.get("activeBundle"), "activeBundle")));
      case MODEL_REGISTERED -> List.of(GraphWrite.replace(Iris.modelGraph(entityId), registeredModel(entityId, payload)));
      case VERSION_CREATED, BUNDLE_CREATED -> {
        VersionRef ref = versionOf(entityId, payload);
        yield List.of(GraphWrite.replace(Iris.versionGraph(ref.name(), ref.version()), version(ref, payload)));
      }
      case ALIAS_SET -> List.of(alias(entityId, payload));
      case ARTEFACT_STORED -> List.of(GraphWrite.replace(Iris.artefactGraph(entityId), artefact(entityId, payload)));
      case BUNDLE_PROMOTED -> List.of(promotion(entityId, payload));
      case UNKNOWN -> List.of();
    };
  }

  /** Maps a device description (the {@code DEVICE_ENROLLED} payload) to its RDF. */
  public Model device(String deviceId, JsonNode payload) {
    requireSameId(payload, "deviceId", deviceId);
    Model m = newModel();
    Resource device = m.createResource(Iris.device(deviceId))
        .addProperty(RDF.type, DL.Device)
        .addProperty(RDF.type, W3C.SOSA_PLATFORM)
        .addProperty(DL.deviceId, deviceId);
    addLiteral(m, device, DL.deviceClass, payload.get("deviceClass"));
    addVersionLink(m, device, DL.runsStudent, payload.get("student"), "student");
    JsonNode labels = payload.get("labels");
    if (labels != null && labels.isObject()) {
      for (Map.Entry<String, JsonNode> label : labels.properties()) {
        device.addProperty(DL.label, label.getKey() + "=" + text(label.getValue()));
      }
    }

    Resource capability = m.createResource(Iris.deviceCapability(deviceId))
        .addProperty(RDF.type, DL.DeviceCapability)
        .addProperty(RDF.type, W3C.SYSTEM_CAPABILITY);
    device.addProperty(W3C.HAS_SYSTEM_CAPABILITY, capability);
    addLiteral(m, capability, DL.ramBytes, payload.get("ramBytes"));
    addLiteral(m, capability, DL.flashBytes, payload.get("flashBytes"));
    addLiteral(m, capability, DL.macsPerSecond, payload.get("macsPerSecond"));
    addLiteral(m, capability, DL.accelerator, payload.get("accelerator"));
    JsonNode precisions = payload.get("precisions");
    if (precisions != null && precisions.isArray()) {
      for (JsonNode precision : precisions) {
        capability.addProperty(DL.supportsPrecision, DL.precision(text(precision)));
      }
    }

    JsonNode sensors = payload.get("sensors");
    if (sensors != null && sensors.isArray()) {
      int index = 0;
      for (JsonNode sensor : sensors) {
        addSensor(m, device, deviceId, sensor, index++);
      }
    }
    return m;
  }

  /** Maps a model version description (the {@code VERSION_CREATED} / {@code BUNDLE_CREATED} payload). */
  public Model version(VersionRef ref, JsonNode payload) {
    Model m = newModel();
    Resource version = m.createResource(Iris.version(ref))
        .addProperty(RDF.type, DL.ModelVersion)
        .addProperty(RDF.type, W3C.MLS_MODEL)
        .addProperty(RDF.type, W3C.PROV_ENTITY)
        .addProperty(DL.modelName, ref.name())
        .addLiteral(DL.versionNumber, ref.version());
    Resource model = m.createResource(Iris.model(ref.name()));
    model.addProperty(DL.hasVersion, version);
    version.addProperty(DL.versionOf, model);
    String kind = text(payload.get("kind"));
    version.addProperty(RDF.type, kindClass(kind));
    addLiteral(m, version, DL.modelKind, payload.get("kind"));
    addLiteral(m, version, DL.digest, payload.get("digest"));
    addLiteral(m, version, DL.sizeBytes, payload.get("sizeBytes"));
    addLiteral(m, version, DL.status, payload.get("status"));
    String digest = text(payload.get("digest"));
    if (!digest.isEmpty()) {
      version.addProperty(DL.storedAs, m.createResource(Iris.artefact(digest)));
    }

    JsonNode requirements = payload.get("requirements");
    if (requirements != null && requirements.isObject()) {
      JsonNode student = requirements.get("student");
      addVersionLink(m, version, DL.requiresStudent, student, "requirements.student");
      if (kind.equals("bundle")) {
        addVersionLink(m, version, W3C.PROV_WAS_DERIVED_FROM, student, "requirements.student");
      }
      JsonNode precision = requirements.get("precision");
      if (precision != null && !precision.isNull()) {
        version.addProperty(DL.requiresPrecision, DL.precision(text(precision)));
      }
      addLiteral(m, version, DL.adaptorBytes, requirements.get("adaptorBytes"));
      addLiteral(m, version, DL.macsPerFrame, requirements.get("macs"));
      addLiteral(m, version, DL.inputWidth, requirements.get("inputWidth"));
      addLiteral(m, version, DL.inputHeight, requirements.get("inputHeight"));
      addLiteral(m, version, DL.inputChannels, requirements.get("channels"));
    }

    Resource run = m.createResource(Iris.run(ref.name(), ref.version()))
        .addProperty(RDF.type, DL.TrainingRun)
        .addProperty(RDF.type, W3C.MLS_RUN)
        .addProperty(RDF.type, W3C.PROV_ACTIVITY)
        .addProperty(W3C.MLS_HAS_OUTPUT, version);
    version.addProperty(W3C.PROV_WAS_GENERATED_BY, run);
    addLineage(m, version, run, kind, payload.get("lineage"));
    addMetrics(m, ref, version, run, payload.get("metrics"));
    return m;
  }

  private GraphWrite deviceState(String deviceId, JsonNode payload, StateWriter writer) {
    requireSameId(payload, "deviceId", deviceId);
    Model m = newModel();
    writer.write(m, m.createResource(Iris.device(deviceId)));
    return GraphWrite.set(Iris.deviceStateGraph(deviceId), m);
  }

  private Model registeredModel(String name, JsonNode payload) {
    requireSameId(payload, "name", name);
    Model m = newModel();
    Resource model = provEntity(m, Iris.model(name), DL.RegisteredModel, DL.modelName, name);
    addLiteral(m, model, DL.modelKind, payload.get("kind"));
    addLiteral(m, model, DL.description, payload.get("description"));
    JsonNode tags = payload.get("tags");
    if (tags != null && tags.isObject()) {
      for (Map.Entry<String, JsonNode> tag : tags.properties()) {
        model.addProperty(DL.label, tag.getKey() + "=" + text(tag.getValue()));
      }
    }
    return m;
  }

  private GraphWrite alias(String name, JsonNode payload) {
    requireSameId(payload, "name", name);
    String alias = required(payload, "alias");
    VersionRef target = new VersionRef(name, requiredLong(payload, "version"));
    Model m = newModel();
    m.createResource(Iris.alias(name, alias))
        .addProperty(RDF.type, DL.Alias)
        .addProperty(DL.aliasName, alias)
        .addProperty(DL.aliasOf, m.createResource(Iris.model(name)))
        .addProperty(DL.pointsTo, m.createResource(Iris.version(target)));
    return GraphWrite.replace(Iris.aliasGraph(name, alias), m);
  }

  private Model artefact(String digest, JsonNode payload) {
    requireSameId(payload, "digest", digest);
    Model m = newModel();
    Resource artefact = provEntity(m, Iris.artefact(digest), DL.Artefact, DL.digest, digest);
    addLiteral(m, artefact, DL.sizeBytes, payload.get("sizeBytes"));
    addLiteral(m, artefact, DL.mediaType, payload.get("mediaType"));
    return m;
  }

  private GraphWrite promotion(String entityId, JsonNode payload) {
    VersionRef ref = versionOf(entityId, payload);
    Model m = newModel();
    Resource bundle = m.createResource(Iris.version(ref));
    addLiteral(m, bundle, DL.promotedAs, payload.get("alias"));
    addLiteral(m, bundle, DL.signatureKeyId, payload.get("signatureKeyId"));
    return GraphWrite.replace(Iris.promotionGraph(ref.name(), ref.version()), m);
  }

  private void addSensor(Model m, Resource device, String deviceId, JsonNode json, int index) {
    String sensorId = json.has("id") && !text(json.get("id")).isEmpty() ? text(json.get("id")) : "sensor-" + index;
    Resource sensor = m.createResource(Iris.sensor(deviceId, sensorId))
        .addProperty(RDF.type, W3C.SOSA_SENSOR)
        .addProperty(DL.sensorId, sensorId)
        .addProperty(W3C.SOSA_IS_HOSTED_BY, device);
    device.addProperty(W3C.SOSA_HOSTS, sensor);
    addLiteral(m, sensor, DL.sensorKind, json.get("kind"));
    if ("camera".equals(text(json.get("kind")))) {
      sensor.addProperty(RDF.type, DL.Camera);
    }
    if (json.has("width") || json.has("height") || json.has("channels")) {
      String sensorIri = Iris.sensor(deviceId, sensorId);
      Resource capability = m.createResource(sensorIri + "/capability")
          .addProperty(RDF.type, DL.SensorCapability)
          .addProperty(RDF.type, W3C.SYSTEM_CAPABILITY);
      Resource resolution = m.createResource(sensorIri + "/resolution")
          .addProperty(RDF.type, DL.ImageResolution)
          .addProperty(RDF.type, W3C.RESOLUTION);
      sensor.addProperty(W3C.HAS_SYSTEM_CAPABILITY, capability);
      capability.addProperty(W3C.HAS_SYSTEM_PROPERTY, resolution);
      addLiteral(m, resolution, DL.widthPixels, json.get("width"));
      addLiteral(m, resolution, DL.heightPixels, json.get("height"));
      addLiteral(m, resolution, DL.channels, json.get("channels"));
    }
  }

  private void addLineage(Model m, Resource version, Resource run, String kind, @Nullable JsonNode lineage) {
    if (lineage == null || !lineage.isObject()) {
      return;
    }
    JsonNode parent = lineage.get("parentStudent");
    if (parent != null && !parent.isNull()) {
      // A bundle is derived from its student; any other version from its parent student.
      addVersionLink(m, version, W3C.PROV_WAS_DERIVED_FROM, parent, "lineage.parentStudent");
    }
    JsonNode teacher = lineage.get("teacher");
    if (teacher != null && !teacher.isNull()) {
      addVersionLink(m, run, W3C.PROV_USED, teacher, "lineage.teacher");
    }
    @Nullable Resource incident = null;
    JsonNode incidentId = lineage.get("incidentId");
    if (incidentId != null && !incidentId.isNull()) {
      incident = m.createResource(Iris.incident(text(incidentId)))
          .addProperty(RDF.type, DL.DriftIncident)
          .addProperty(DL.incidentId, text(incidentId));
    }
    JsonNode samples = lineage.get("sampleIds");
    if (samples != null && samples.isArray()) {
      for (JsonNode sampleId : samples) {
        Resource sample = m.createResource(Iris.sample(text(sampleId)))
            .addProperty(RDF.type, DL.Sample)
            .addProperty(RDF.type, W3C.PROV_ENTITY);
        addLiteral(m, sample, DL.sampleId, sampleId);
        if (incident != null) {
          sample.addProperty(DL.fromIncident, incident);
        }
        run.addProperty(W3C.PROV_USED, sample);
      }
    }
    JsonNode hyperParameters = lineage.get("hyperParameters");
    if (hyperParameters != null && hyperParameters.isObject() && !hyperParameters.isEmpty()) {
      run.addProperty(DL.hyperParameters, m.createTypedLiteral(hyperParameters.toString(), RDF.dtRDFJSON));
    }
    addLiteral(m, run, DL.codeVersion, lineage.get("codeVersion"));
    JsonNode gate = lineage.get("gate");
    if (gate != null && gate.isObject()) {
      addLiteral(m, run, DL.gatePassed, gate.get("passed"));
      run.addProperty(DL.gateReport, m.createTypedLiteral(gate.toString(), RDF.dtRDFJSON));
    }
    if (kind.equals("bundle") && parent != null && !parent.isNull()) {
      addVersionLink(m, version, DL.requiresStudent, parent, "lineage.parentStudent");
    }
  }

  private void addMetrics(Model m, VersionRef ref, Resource version, Resource run, @Nullable JsonNode metrics) {
    if (metrics == null || !metrics.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> metric : metrics.properties()) {
      Resource measure = m.createResource(Iris.measure(metric.getKey()))
          .addProperty(RDF.type, W3C.MLS_EVALUATION_MEASURE);
      Resource evaluation = m.createResource(Iris.version(ref) + "/evaluation/" + Iris.segment(metric.getKey()))
          .addProperty(RDF.type, W3C.MLS_MODEL_EVALUATION)
          .addProperty(W3C.MLS_SPECIFIED_BY, measure)
          .addProperty(DL.evaluates, version);
      addLiteral(m, evaluation, W3C.MLS_HAS_VALUE, metric.getValue());
      run.addProperty(W3C.MLS_HAS_OUTPUT, evaluation);
    }
  }

  /** Creates a resource typed {@code type} and {@code prov:Entity}, with its identifying property. */
  private static Resource provEntity(Model m, String iri, Resource type, Property idProperty, String id) {
    return m.createResource(iri)
        .addProperty(RDF.type, type)
        .addProperty(RDF.type, W3C.PROV_ENTITY)
        .addProperty(idProperty, id);
  }

  private static Resource kindClass(String kind) {
    return switch (kind) {
      case "student" -> DL.Student;
      case "teacher" -> DL.Teacher;
      case "bundle" -> DL.Bundle;
      // No dl: class: the version then fails the shape that wants exactly one of the three.
      default -> DL.ModelVersion;
    };
  }

  /** Links {@code subject} to the version written {@code "name:version"} in {@code value}, if present. */
  private static void addVersionLink(Model m, Resource subject, Property property, @Nullable JsonNode value,
      String field) {
    if (value == null || value.isNull()) {
      return;
    }
    VersionRef ref;
    try {
      ref = VersionRef.parse(text(value));
    } catch (IllegalArgumentException e) {
      throw new DescriptionException(field + ": " + e.getMessage());
    }
    subject.addProperty(property, m.createResource(Iris.version(ref)));
  }

  /** Adds {@code value} as a literal of the datatype its JSON type implies; null or absent adds nothing. */
  private static void addLiteral(Model m, Resource subject, Property property, @Nullable JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    subject.addLiteral(property, literal(m, value));
  }

  private static Literal literal(Model m, JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return m.createTypedLiteral(value.longValue(), XSDDatatype.XSDlong);
    }
    if (value.isNumber()) {
      return m.createTypedLiteral(value.doubleValue(), XSDDatatype.XSDdouble);
    }
    if (value.isBoolean()) {
      return m.createTypedLiteral(value.booleanValue(), XSDDatatype.XSDboolean);
    }
    if (value.isString()) {
      return m.createTypedLiteral(value.stringValue(), XSDDatatype.XSDstring);
    }
    // Objects and arrays where a scalar belongs: kept as JSON so the datatype check reports them.
    return m.createTypedLiteral(value.toString(), RDF.dtRDFJSON);
  }

  private static String text(@Nullable JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    return value.isString() ? value.stringValue() : value.toString();
  }

  private static VersionRef versionOf(String entityId, JsonNode payload) {
    VersionRef ref;
    try {
      ref = VersionRef.parse(entityId);
    } catch (IllegalArgumentException e) {
      throw new DescriptionException("entity id: " + e.getMessage());
    }
    requireSameId(payload, "name", ref.name());
    JsonNode version = payload.get("version");
    if (version != null && !version.isNull() && !(version.canConvertToLong() && version.longValue() == ref.version())) {
      throw new DescriptionException("payload version " + version + " differs from the entity id '" + entityId + "'");
    }
    return ref;
  }

  private static void requireSameId(JsonNode payload, String field, String entityId) {
    if (!payload.isObject()) {
      throw new DescriptionException("a description must be a JSON object");
    }
    JsonNode value = payload.get(field);
    if (value != null && !value.isNull() && !entityId.equals(text(value))) {
      throw new DescriptionException("payload " + field + " '" + text(value) + "' differs from the entity id '"
          + entityId + "'");
    }
  }

  private static String required(JsonNode payload, String field) {
    String value = text(payload.get(field));
    if (value.isBlank()) {
      throw new DescriptionException(field + " is required");
    }
    return value;
  }

  private static long requiredLong(JsonNode payload, String field) {
    JsonNode value = payload.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
      throw new DescriptionException(field + " must be a whole number >= 1");
    }
    return value.longValue();
  }

  private static Model newModel() {
    Model m = ModelFactory.createDefaultModel();
    m.setNsPrefix("dl", DL.NS);
    return m;
  }

  @FunctionalInterface
  private interface StateWriter {
    void write(Model m, Resource device);
  }
}
