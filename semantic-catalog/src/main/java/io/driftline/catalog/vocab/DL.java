package io.driftline.catalog.vocab;

import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.ResourceFactory;

/**
 * Terms of the Driftline catalog vocabulary ({@value #NS}), published as
 * {@code catalog/driftline-vocabulary.ttl}; the constants here must match that file.
 */
public final class DL {

  /** The vocabulary namespace. */
  public static final String NS = "https://driftline.io/ns#";

  /** Resource path of the vocabulary in the module's jar. */
  public static final String VOCABULARY_RESOURCE = "catalog/driftline-vocabulary.ttl";

  public static final Resource Device = resource("Device");
  public static final Resource Camera = resource("Camera");
  public static final Resource DeviceCapability = resource("DeviceCapability");
  public static final Resource SensorCapability = resource("SensorCapability");
  public static final Resource ImageResolution = resource("ImageResolution");
  public static final Resource Precision = resource("Precision");
  public static final Resource RegisteredModel = resource("RegisteredModel");
  public static final Resource ModelVersion = resource("ModelVersion");
  public static final Resource Student = resource("Student");
  public static final Resource Teacher = resource("Teacher");
  public static final Resource Bundle = resource("Bundle");
  public static final Resource TrainingRun = resource("TrainingRun");
  public static final Resource Sample = resource("Sample");
  public static final Resource DriftIncident = resource("DriftIncident");
  public static final Resource Artefact = resource("Artefact");
  public static final Resource Alias = resource("Alias");
  public static final Resource AppliedEvent = resource("AppliedEvent");

  public static final Property deviceId = property("deviceId");
  public static final Property deviceClass = property("deviceClass");
  public static final Property label = property("label");
  public static final Property runsStudent = property("runsStudent");
  public static final Property ramBytes = property("ramBytes");
  public static final Property flashBytes = property("flashBytes");
  public static final Property macsPerSecond = property("macsPerSecond");
  public static final Property supportsPrecision = property("supportsPrecision");
  public static final Property accelerator = property("accelerator");
  public static final Property sensorId = property("sensorId");
  public static final Property sensorKind = property("sensorKind");
  public static final Property widthPixels = property("widthPixels");
  public static final Property heightPixels = property("heightPixels");
  public static final Property channels = property("channels");
  public static final Property revoked = property("revoked");
  public static final Property desiredBundle = property("desiredBundle");
  public static final Property desiredGeneration = property("desiredGeneration");
  public static final Property rolloutId = property("rolloutId");
  public static final Property activeBundle = property("activeBundle");

  public static final Property modelName = property("modelName");
  public static final Property modelKind = property("modelKind");
  public static final Property description = property("description");
  public static final Property hasVersion = property("hasVersion");
  public static final Property versionOf = property("versionOf");
  public static final Property versionNumber = property("versionNumber");
  public static final Property status = property("status");
  public static final Property sizeBytes = property("sizeBytes");
  public static final Property digest = property("digest");
  public static final Property storedAs = property("storedAs");
  public static final Property mediaType = property("mediaType");
  public static final Property codeVersion = property("codeVersion");
  public static final Property hyperParameters = property("hyperParameters");
  public static final Property gatePassed = property("gatePassed");
  public static final Property gateReport = property("gateReport");
  public static final Property fromIncident = property("fromIncident");
  public static final Property sampleId = property("sampleId");
  public static final Property incidentId = property("incidentId");
  public static final Property evaluates = property("evaluates");
  public static final Property requiresStudent = property("requiresStudent");
  public static final Property requiresPrecision = property("requiresPrecision");
  public static final Property adaptorBytes = property("adaptorBytes");
  public static final Property macsPerFrame = property("macsPerFrame");
  public static final Property inputWidth = property("inputWidth");
  public static final Property inputHeight = property("inputHeight");
  public static final Property inputChannels = property("inputChannels");
  public static final Property aliasName = property("aliasName");
  public static final Property aliasOf = property("aliasOf");
  public static final Property pointsTo = property("pointsTo");
  public static final Property promotedAs = property("promotedAs");
  public static final Property signatureKeyId = property("signatureKeyId");

  public static final Property eventType = property("eventType");
  public static final Property entityId = property("entityId");
  public static final Property occurredAt = property("occurredAt");
  public static final Property updatedAt = property("updatedAt");

  private DL() {}

  /** Returns the precision individual for a name such as {@code INT8}; unknown names give an IRI no shape accepts. */
  public static Resource precision(String name) {
    return ResourceFactory.createResource(NS + Iris.segment(name));
  }

  private static Resource resource(String local) {
    return ResourceFactory.createResource(NS + local);
  }

  private static Property property(String local) {
    return ResourceFactory.createProperty(NS + local);
  }
}
