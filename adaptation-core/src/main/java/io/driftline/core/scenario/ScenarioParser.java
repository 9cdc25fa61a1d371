package io.driftline.core.scenario;

import io.driftline.core.corruption.CorruptionFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Turns a parsed JSON/YAML tree into a validated {@link Scenario}, naming the path of every field it
 * rejects. Walking the tree by hand (rather than data binding) is what makes those paths possible.
 */
final class ScenarioParser {

  private static final List<String> ROOT_FIELDS = List.of("name", "seed", "source", "segments", "devices");
  private static final List<String> SEGMENT_FIELDS = List.of(
      "id", "family", "severity", "length", "transition", "source", "repeat", "domain", "classes", "classWeights");
  private static final List<String> SOURCE_FIELDS = List.of("dataset", "images", "labels", "folder");

  private final UnaryOperator<String> resolvePath;

  /** @param resolvePath turns a path written in the file into the path to use (e.g. against the file's folder) */
  ScenarioParser(UnaryOperator<String> resolvePath) {
    this.resolvePath = resolvePath;
  }

  Scenario parse(@Nullable JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ScenarioException("", "the scenario is empty");
    }
    if (!root.isObject()) {
      throw new ScenarioException("", "a scenario must be a mapping with name, seed and segments, got " + kind(root));
    }
    checkFields(root, "", ROOT_FIELDS);
    String name = requireText(root, "name", "name");
    long seed = requireLong(root.get("seed"), "seed");
    SourceSpec source = root.has("source") ? source(root.get("source"), "source") : SourceSpec.dataset(SourceSpec.FASHION_MNIST_TEST);
    List<Segment> segments = segments(root.get("segments"));
    Map<String, List<String>> devices = devices(root.get("devices"), segments);
    return new Scenario(name, seed, source, segments, devices);
  }

  private List<Segment> segments(@Nullable JsonNode node) {
    if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
      throw new ScenarioException("segments", "stream is empty: give at least one segment");
    }
    if (!node.isArray()) {
      throw new ScenarioException("segments", "must be a list of segments, got " + kind(node));
    }
    List<Segment> segments = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "segments[" + i + "]";
      Segment segment = segment(node.get(i), path, i, segments, seen);
      Integer earlier = seen.putIfAbsent(segment.id(), i);
      if (earlier != null) {
        throw new ScenarioException(path + ".id", "duplicate id '" + segment.id() + "', already used by segments[" + earlier + "]");
      }
      segments.add(segment);
    }
    if (segments.get(0).transition() > 0) {
      throw new ScenarioException("segments[0].transition", "the first segment has no previous domain to blend from; remove the transition");
    }
    return segments;
  }

  private Segment segment(JsonNode node, String path, int index, List<Segment> earlier, Map<String, Integer> ids) {
    if (!node.isObject()) {
      throw new ScenarioException(path, "a segment must be a mapping, got " + kind(node));
    }
    checkFields(node, path + ".", SEGMENT_FIELDS);
    String id = node.has("id") ? requireScalarText(node.get("id"), path + ".id") : "segment-" + index;
    if (node.has("repeat")) {
      return repeat(node, path, id, earlier, ids);
    }
    SourceSpec source = node.has("source") ? source(node.get("source"), path + ".source") : null;
    CorruptionFamily family = null;
    if (node.has("family")) {
      family = family(node.get("family"), path + ".family");
    } else if (source == null) {
      throw new ScenarioException(path + ".family", "is required: a corruption family id or 'clean' (known: " + knownFamilies() + ")");
    }
    int severity = 0;
    if (family != null) {
      if (!node.has("severity")) {
        throw new ScenarioException(path + ".severity", "is required for family '" + family.id() + "': 1..5");
      }
      severity = requireInt(node.get("severity"), path + ".severity");
      if (severity < CorruptionFamily.MIN_SEVERITY || severity > CorruptionFamily.MAX_SEVERITY) {
        throw new ScenarioException(path + ".severity", "must be 1..5, got " + severity);
      }
    } else if (node.has("severity")) {
      throw new ScenarioException(path + ".severity", "a clean segment has no severity; remove it");
    }
    int length = length(node.get("length"), path + ".length");
    int transition = transition(node, path, length);
    String tag = node.has("domain") ? requireScalarText(node.get("domain"), path + ".domain")
        : Segment.defaultDomainTag(id, family, severity, source);
    LabelShift shift = labelShift(node, path);
    return new Segment(id, tag, family, severity, length, transition, source, shift, null);
  }

  private Segment repeat(JsonNode node, String path, String id, List<Segment> earlier, Map<String, Integer> ids) {
    String target = requireScalarText(node.get("repeat"), path + ".repeat");
    for (String copied : List.of("family", "severity", "source", "domain", "classes", "classWeights")) {
      if (node.has(copied)) {
        throw new ScenarioException(path + "." + copied, "a repeat takes its domain from segment '" + target + "'; remove '" + copied + "'");
      }
    }
    Integer at = ids.get(target);
    if (at == null) {
      List<String> known = earlier.stream().map(Segment::id).toList();
      throw new ScenarioException(path + ".repeat", "no earlier segment '" + target + "' (earlier segments: " + known + ")");
    }
    Segment original = earlier.get(at);
    int length = node.has("length") ? length(node.get("length"), path + ".length") : original.length();
    int transition = transition(node, path, length);
    return new Segment(id, original.domainTag(), original.family(), original.severity(), length, transition,
        original.source(), original.labelShift(), target);
  }

  private static int length(@Nullable JsonNode node, String path) {
    if (node == null) {
      throw new ScenarioException(path, "is required: the number of frames");
    }
    int length = requireInt(node, path);
    if (length < 1) {
      throw new ScenarioException(path, "must be a positive number of frames, got " + length);
    }
    return length;
  }

  private static int transition(JsonNode node, String path, int length) {
    if (!node.has("transition")) {
      return 0;
    }
    int transition = requireInt(node.get("transition"), path + ".transition");
    if (transition < 0 || transition > length) {
      throw new ScenarioException(path + ".transition", "must be 0.." + length + " (at most the segment length), got " + transition);
    }
    return transition;
  }

  private static @Nullable LabelShift labelShift(JsonNode node, String path) {
    if (node.has("classes") && node.has("classWeights")) {
      throw new ScenarioException(path, "give either classes or classWeights, not both");
    }
    if (node.has("classes")) {
      JsonNode list = node.get("classes");
      if (!list.isArray() || list.isEmpty()) {
        throw new ScenarioException(path + ".classes", "must be a non-empty list of class indices, got " + kind(list));
      }
      List<Integer> classes = new ArrayList<>();
      Set<Integer> unique = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        int c = requireInt(list.get(i), path + ".classes[" + i + "]");
        if (c < 0) {
          throw new ScenarioException(path + ".classes[" + i + "]", "must be a class index >= 0, got " + c);
        }
        if (!unique.add(c)) {
          throw new ScenarioException(path + ".classes[" + i + "]", "class " + c + " is listed twice");
        }
        classes.add(c);
      }
      return LabelShift.subset(classes);
    }
    if (node.has("classWeights")) {
      JsonNode list = node.get("classWeights");
      if (!list.isArray() || list.isEmpty()) {
        throw new ScenarioException(path + ".classWeights", "must be a list with one weight per class, got " + kind(list));
      }
      List<Double> weights = new ArrayList<>();
      double sum = 0;
      for (int i = 0; i < list.size(); i++) {
        JsonNode w = list.get(i);
        if (!w.isNumber() || !(w.doubleValue() >= 0) || Double.isInfinite(w.doubleValue())) {
          throw new ScenarioException(path + ".classWeights[" + i + "]", "must be a number >= 0, got " + text(w));
        }
        weights.add(w.doubleValue());
        sum += w.doubleValue();
      }
      if (!(sum > 0)) {
        throw new ScenarioException(path + ".classWeights", "all weights are 0; at least one class must have a positive weight");
      }
      return LabelShift.weighted(weights);
    }
    return null;
  }

  private SourceSpec source(JsonNode node, String path) {
    if (node.isString()) {
      return namedDataset(node.stringValue(), path);
    }
    if (!node.isObject()) {
      throw new ScenarioException(path, "must be a data set name (" + String.join(", ", SourceSpec.DATASETS)
          + ") or a mapping with images + labels, or folder; got " + kind(node));
    }
    checkFields(node, path + ".", SOURCE_FIELDS);
    boolean dataset = node.has("dataset");
    boolean idx = node.has("images") || node.has("labels");
    boolean folder = node.has("folder");
    if ((dataset ? 1 : 0) + (idx ? 1 : 0) + (folder ? 1 : 0) != 1) {
      throw new ScenarioException(path, "give exactly one of: dataset, images + labels, folder");
    }
    if (dataset) {
      return namedDataset(requireScalarText(node.get("dataset"), path + ".dataset"), path + ".dataset");
    }
    if (folder) {
      return SourceSpec.folder(resolvePath.apply(requireScalarText(node.get("folder"), path + ".folder")));
    }
    if (!node.has("images")) {
      throw new ScenarioException(path + ".images", "is required with labels: the IDX images file");
    }
    if (!node.has("labels")) {
      throw new ScenarioException(path + ".labels", "is required with images: the IDX labels file");
    }
    return SourceSpec.idx(
        resolvePath.apply(requireScalarText(node.get("images"), path + ".images")),
        resolvePath.apply(requireScalarText(node.get("labels"), path + ".labels")));
  }

  private static SourceSpec namedDataset(String name, String path) {
    if (!SourceSpec.DATASETS.contains(name)) {
      throw new ScenarioException(path, "unknown data set '" + name + "' (known: " + String.join(", ", SourceSpec.DATASETS)
          + "; for files use images + labels, or folder)");
    }
    return SourceSpec.dataset(name);
  }

  private static @Nullable CorruptionFamily family(JsonNode node, String path) {
    String id = requireScalarText(node, path);
    if (id.equals(Segment.CLEAN)) {
      return null;
    }
    return CorruptionFamily.byId(id).orElseThrow(() -> new ScenarioException(
        path, "unknown corruption family '" + id + "' (known: " + knownFamilies() + ")"));
  }

  private static String knownFamilies() {
    List<String> ids = new ArrayList<>();
    ids.add(Segment.CLEAN);
    Arrays.stream(CorruptionFamily.values()).map(CorruptionFamily::id).forEach(ids::add);
    return String.join(", ", ids);
  }

  private static Map<String, List<String>> devices(@Nullable JsonNode node, List<Segment> segments) {
    Map<String, List<String>> devices = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return devices;
    }
    if (!node.isObject()) {
      throw new ScenarioException("devices", "must map device ids to lists of segment ids, got " + kind(node));
    }
    Map<String, Segment> byId = new HashMap<>();
    segments.forEach(s -> byId.put(s.id(), s));
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String path = "devices." + entry.getKey();
      JsonNode list = entry.getValue();
      if (!list.isArray() || list.isEmpty()) {
        throw new ScenarioException(path, "must be a non-empty list of segment ids, got " + kind(list));
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String id = requireScalarText(list.get(i), path + "[" + i + "]");
        Segment segment = byId.get(id);
        if (segment == null) {
          throw new ScenarioException(path + "[" + i + "]", "unknown segment '" + id + "' (known: "
              + segments.stream().map(Segment::id).toList() + ")");
        }
        if (i == 0 && segment.transition() > 0) {
          throw new ScenarioException(path + "[0]", "segment '" + id + "' has a transition but starts the schedule, "
              + "so there is no previous domain to blend from");
        }
        ids.add(id);
      }
      devices.put(entry.getKey(), ids);
    }
    return devices;
  }

  private static void checkFields(JsonNode node, String prefix, List<String> known) {
    for (String field : node.propertyNames()) {
      if (!known.contains(field)) {
        throw new ScenarioException(prefix + field, "unknown field (known: " + String.join(", ", known) + ")");
      }
    }
  }

  private static String requireText(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw new ScenarioException(path, "is required");
    }
    return requireScalarText(node, path);
  }

  private static String requireScalarText(JsonNode node, String path) {
    if (!node.isValueNode() || node.isNull() || node.asString().isBlank()) {
      throw new ScenarioException(path, "must be a non-empty text, got " + kind(node));
    }
    return node.asString().trim();
  }

  private static int requireInt(JsonNode node, String path) {
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new ScenarioException(path, "must be an integer, got " + text(node));
    }
    return node.intValue();
  }

  private static long requireLong(@Nullable JsonNode node, String path) {
    if (node == null || node.isNull()) {
      throw new ScenarioException(path, "is required: an integer that makes every stream reproducible");
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new ScenarioException(path, "must be an integer, got " + text(node));
    }
    return node.longValue();
  }

  private static String kind(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return text(node);
  }

  private static String text(JsonNode node) {
    return node.isString() ? "'" + node.stringValue() + "'" : node.toString();
  }

  /** Resolves a path relative to a scenario file's folder; absolute paths stay as they are. */
  static UnaryOperator<String> relativeTo(@Nullable Path folder) {
    return written -> folder == null || Path.of(written).isAbsolute() ? written : folder.resolve(written).normalize().toString();
  }
}
