package io.driftline.catalog.match;

import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.Iris;
import io.driftline.catalog.vocab.VersionRef;
import io.driftline.catalog.vocab.W3C;
import io.driftline.core.update.Precision;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.RDFNode;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.Statement;
import org.jspecify.annotations.Nullable;

/** Reads {@link DeviceProfile}s and {@link ArtefactProfile}s out of the RDF the catalog stores. */
final class ProfileReader {

  private ProfileReader() {}

  /**
   * Reads a device from its description and state graphs.
   *
   * @return null if the description graph holds no device
   */
  static @Nullable DeviceProfile device(String deviceId, Model description, Model state) {
    Resource device = description.getResource(Iris.device(deviceId));
    if (!description.contains(device, DL.deviceId)) {
      return null;
    }
    Resource capability = resource(device, W3C.HAS_SYSTEM_CAPABILITY);
    Set<Precision> precisions = EnumSet.noneOf(Precision.class);
    if (capability != null) {
      for (Statement s : capability.listProperties(DL.supportsPrecision).toList()) {
        Precision p = precision(s.getObject());
        if (p != null) {
          precisions.add(p);
        }
      }
    }
    List<DeviceProfile.Sensor> sensors = new ArrayList<>();
    for (Statement hosts : device.listProperties(W3C.SOSA_HOSTS).toList()) {
      Resource sensor = hosts.getResource();
      Resource cap = resource(sensor, W3C.HAS_SYSTEM_CAPABILITY);
      Resource resolution = cap == null ? null : resource(cap, W3C.HAS_SYSTEM_PROPERTY);
      sensors.add(new DeviceProfile.Sensor(string(sensor, DL.sensorId), string(sensor, DL.sensorKind),
          number(resolution, DL.widthPixels), number(resolution, DL.heightPixels), number(resolution, DL.channels)));
    }
    sensors.sort(java.util.Comparator.comparing(DeviceProfile.Sensor::id));
    Resource stateDevice = state.getResource(device.getURI());
    Statement revoked = stateDevice.getProperty(DL.revoked);
    String accelerator = capability == null ? "" : string(capability, DL.accelerator);
    return new DeviceProfile(deviceId, string(device, DL.deviceClass), versionRef(resource(device, DL.runsStudent)),
        precisions, number(capability, DL.ramBytes), number(capability, DL.flashBytes),
        number(capability, DL.macsPerSecond), accelerator.isEmpty() ? null : accelerator, sensors,
        revoked != null && revoked.getObject().isLiteral() && revoked.getBoolean());
  }

  /**
   * Reads a model version from its description graph.
   *
   * @return null if the graph holds no version
   */
  static @Nullable ArtefactProfile artefact(VersionRef ref, Model description) {
    Resource version = description.getResource(Iris.version(ref));
    if (!description.contains(version, DL.versionNumber)) {
      return null;
    }
    Resource precision = resource(version, DL.requiresPrecision);
    return new ArtefactProfile(ref, string(version, DL.modelKind), number(version, DL.sizeBytes),
        precision == null ? null : precision(precision), number(version, DL.adaptorBytes),
        number(version, DL.macsPerFrame), versionRef(resource(version, DL.requiresStudent)),
        number(version, DL.inputWidth), number(version, DL.inputHeight), number(version, DL.inputChannels));
  }

  /** Parses a version IRI made by {@link Iris#version(String, long)} back into a reference. */
  static @Nullable VersionRef versionRef(@Nullable Resource version) {
    if (version == null || !version.isURIResource()) {
      return null;
    }
    String prefix = Iris.BASE + "model/";
    String iri = version.getURI();
    int slash = iri.lastIndexOf('/');
    if (!iri.startsWith(prefix) || slash <= prefix.length()) {
      return null;
    }
    String name = URLDecoder.decode(iri.substring(prefix.length(), slash), StandardCharsets.UTF_8);
    try {
      return new VersionRef(name, Long.parseLong(iri.substring(slash + 1)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static @Nullable Precision precision(RDFNode node) {
    if (!node.isURIResource() || !node.asResource().getURI().startsWith(DL.NS)) {
      return null;
    }
    try {
      return Precision.valueOf(node.asResource().getURI().substring(DL.NS.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static @Nullable Resource resource(Resource subject, Property property) {
    Statement s = subject.getProperty(property);
    return s != null && s.getObject().isResource() ? s.getResource() : null;
  }

  private static String string(Resource subject, Property property) {
    Statement s = subject.getProperty(property);
    return s != null && s.getObject().isLiteral() ? s.getString() : "";
  }

  private static long number(@Nullable Resource subject, Property property) {
    if (subject == null) {
      return 0;
    }
    Statement s = subject.getProperty(property);
    if (s == null || !s.getObject().isLiteral() || !(s.getLiteral().getValue() instanceof Number n)) {
      return 0;
    }
    return n.longValue();
  }
}
