package io.driftline.catalog.vocab;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Mints the IRIs of catalog instances under {@value #BASE} and of the named graphs that hold them.
 *
 * <p>Every id is percent-encoded as one path segment, so a user-supplied id can never reach
 * outside its own IRI (no {@code >}, spaces or slashes survive).
 */
public final class Iris {

  /** Base of instance IRIs. */
  public static final String BASE = "https://driftline.io/id/";

  /** Base of named-graph IRIs: one graph per described entity. */
  public static final String GRAPH_BASE = "https://driftline.io/graph/";

  /** The graph of applied event ids (dedupe) and per-graph update times. */
  public static final String EVENTS_GRAPH = GRAPH_BASE + "catalog-events";

  private Iris() {}

  /** Percent-encodes {@code id} as a single IRI path segment. */
  public static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** IRI of a device. */
  public static String device(String deviceId) {
    return BASE + "device/" + segment(deviceId);
  }

  /** IRI of a device's capability node (RAM, flash, compute, precisions). */
  public static String deviceCapability(String deviceId) {
    return device(deviceId) + "/capability";
  }

  /** IRI of one sensor of a device. */
  public static String sensor(String deviceId, String sensorId) {
    return device(deviceId) + "/sensor/" + segment(sensorId);
  }

  /** IRI of a registered model. */
  public static String model(String name) {
    return BASE + "model/" + segment(name);
  }

  /** IRI of one version of a model. */
  public static String version(String name, long version) {
    return model(name) + "/" + version;
  }

  /** IRI of a version written {@code "name:version"}, as in the registry's payloads. */
  public static String version(VersionRef ref) {
    return version(ref.name(), ref.version());
  }

  /** IRI of the run that produced a version. */
  public static String run(String name, long version) {
    return version(name, version) + "/run";
  }

  /** IRI of an alias of a model. */
  public static String alias(String name, String alias) {
    return model(name) + "/alias/" + segment(alias);
  }

  /** IRI of a stored artefact, by its SHA-256 digest. */
  public static String artefact(String digest) {
    return BASE + "artefact/" + segment(digest);
  }

  /** IRI of an uploaded sample. */
  public static String sample(String sampleId) {
    return BASE + "sample/" + segment(sampleId);
  }

  /** IRI of a drift incident. */
  public static String incident(String incidentId) {
    return BASE + "incident/" + segment(incidentId);
  }

  /** IRI of an evaluation measure (a registry metric name). */
  public static String measure(String metric) {
    return BASE + "measure/" + segment(metric);
  }

  /** IRI under which an applied registry event is recorded. */
  public static String event(String eventId) {
    return BASE + "event/" + segment(eventId);
  }

  /** Graph holding a device's description (replaced on every enrolment). */
  public static String deviceGraph(String deviceId) {
    return GRAPH_BASE + "device/" + segment(deviceId);
  }

  /** Graph holding a device's desired, reported and revoked state (kept across re-enrolment). */
  public static String deviceStateGraph(String deviceId) {
    return deviceGraph(deviceId) + "/state";
  }

  /** Graph holding a registered model. */
  public static String modelGraph(String name) {
    return GRAPH_BASE + "model/" + segment(name);
  }

  /** Graph holding a model version's description. */
  public static String versionGraph(String name, long version) {
    return modelGraph(name) + "/" + version;
  }

  /** Graph holding a bundle version's promotion. */
  public static String promotionGraph(String name, long version) {
    return versionGraph(name, version) + "/promotion";
  }

  /** Graph holding one alias of a model. */
  public static String aliasGraph(String name, String alias) {
    return modelGraph(name) + "/alias/" + segment(alias);
  }

  /** Graph holding an artefact's description. */
  public static String artefactGraph(String digest) {
    return GRAPH_BASE + "artefact/" + segment(digest);
  }

  /**
   * Returns the device a graph made by {@link #deviceGraph} or {@link #deviceStateGraph} is about.
   *
   * @param descriptionOnly if true, only a description graph (not a state graph) counts
   * @return the device id, or null for any other graph
   */
  public static @Nullable String deviceOfGraph(String graph, boolean descriptionOnly) {
    String prefix = GRAPH_BASE + "device/";
    if (!graph.startsWith(prefix)) {
      return null;
    }
    String rest = graph.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash >= 0 && descriptionOnly) {
      return null;
    }
    return URLDecoder.decode(slash < 0 ? rest : rest.substring(0, slash), StandardCharsets.UTF_8);
  }

  /**
   * Returns the version a graph made by {@link #versionGraph} is about.
   *
   * @return the version, or null for any other graph (a model, alias or promotion graph)
   */
  public static @Nullable VersionRef versionOfGraph(String graph) {
    String prefix = GRAPH_BASE + "model/";
    if (!graph.startsWith(prefix)) {
      return null;
    }
    String[] parts = graph.substring(prefix.length()).split("/", -1);
    if (parts.length != 2 || parts[1].isEmpty() || !parts[1].chars().allMatch(c -> c >= '0' && c <= '9')
        || parts[1].length() > 18) {
      return null;
    }
    return new VersionRef(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), Long.parseLong(parts[1]));
  }
}
