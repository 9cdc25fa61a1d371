package io.driftline.core.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads and writes scenario files (JSON or YAML) and loads the scenario shipped with Driftline. */
public final class Scenarios {

  /** Classpath location of the default scenario. */
  public static final String DEFAULT_RESOURCE = "/scenarios/default.yaml";

  private static final Pattern READER_MARK = Pattern.compile("line (\\d+), column (\\d+)");

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** The two file formats. */
  public enum Format {
    /** JSON. */
    JSON,
    /** YAML 1.2 (read by SnakeYAML Engine through Jackson). */
    YAML
  }

  private Scenarios() {}

  /**
   * Reads and validates a scenario file; the format comes from the extension ({@code .json},
   * {@code .yaml}, {@code .yml}) or, failing that, from the content. Relative data paths in the file
   * are resolved against the file's folder.
   *
   * @throws ScenarioException naming the file, the field and the problem
   */
  public static Scenario load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ScenarioException(file.toString(), "", "scenario file does not exist", -1, e);
    } catch (IOException e) {
      throw new ScenarioException(file.toString(), "", "cannot read scenario file: " + e, -1, e);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Format format = name.endsWith(".json") ? Format.JSON
        : name.endsWith(".yaml") || name.endsWith(".yml") ? Format.YAML : detect(text);
    Path folder = file.toAbsolutePath().getParent();
    try {
      return parse(text, format, ScenarioParser.relativeTo(folder));
    } catch (ScenarioException e) {
      throw e.inFile(file.toString());
    }
  }

  /** Parses and validates a scenario text, detecting JSON or YAML from its first character. */
  public static Scenario parse(String text) {
    return parse(text, detect(text));
  }

  /**
   * Parses and validates a scenario text in the given format; data paths stay as written.
   *
   * @throws ScenarioException naming the field and the problem, or the line of a syntax error
   */
  public static Scenario parse(String text, Format format) {
    return parse(text, format, UnaryOperator.identity());
  }

  /** Loads the scenario shipped in {@value #DEFAULT_RESOURCE}. */
  public static Scenario loadDefault() {
    try (InputStream in = Scenarios.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), Format.YAML);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    } catch (ScenarioException e) {
      throw e.inFile(DEFAULT_RESOURCE);
    }
  }

  /** Writes a scenario as JSON that {@link #parse} reads back to an equal scenario. */
  public static String toJson(Scenario scenario) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(JSON, scenario));
  }

  /** Writes a scenario as YAML that {@link #parse} reads back to an equal scenario. */
  public static String toYaml(Scenario scenario) {
    return YAML.writeValueAsString(toTree(YAML, scenario));
  }

  private static Scenario parse(String text, Format format, UnaryOperator<String> resolvePath) {
    JsonNode tree;
    try {
      tree = (format == Format.JSON ? JSON : YAML).readTree(text);
    } catch (JacksonException e) {
      int[] where = position(e);
      String at = where[0] > 0 ? " at line " + where[0] + ", column " + where[1] : "";
      throw new ScenarioException(null, "", "malformed " + format + at + ": " + problem(e.getOriginalMessage()), where[0], e);
    }
    return new ScenarioParser(resolvePath).parse(tree);
  }

  private static Format detect(String text) {
    return text.stripLeading().startsWith("{") ? Format.JSON : Format.YAML;
  }

  /**
   * Line and column of a syntax error. SnakeYAML's own marks ("in reader, line 2, column 1") point
   * at the offending character more precisely than the token location Jackson reports, so the last
   * of them wins when present.
   */
  private static int[] position(JacksonException e) {
    Matcher mark = READER_MARK.matcher(String.valueOf(e.getOriginalMessage()));
    int[] position = null;
    while (mark.find()) {
      position = new int[] {Integer.parseInt(mark.group(1)), Integer.parseInt(mark.group(2))};
    }
    if (position != null) {
      return position;
    }
    TokenStreamLocation location = e.getLocation();
    return location == null ? new int[] {-1, -1} : new int[] {location.getLineNr(), location.getColumnNr()};
  }

  /** The parser's explanation without its source excerpts and position lines, on one line. */
  private static String problem(@Nullable String message) {
    if (message == null) {
      return "syntax error";
    }
    StringBuilder text = new StringBuilder();
    for (String line : message.split("\\R")) {
      if (line.isBlank() || line.startsWith(" ") || line.startsWith("\t")) {
        continue; // excerpt, caret and "in reader" lines; the position is reported separately
      }
      if (text.length() > 0) {
        text.append("; ");
      }
      text.append(line.strip());
    }
    return text.length() == 0 ? message.strip() : text.toString();
  }

  private static ObjectNode toTree(ObjectMapper mapper, Scenario scenario) {
    ObjectNode root = mapper.createObjectNode();
    root.put("name", scenario.name());
    root.put("seed", scenario.seed());
    root.set("source", source(mapper, scenario.source()));
    ArrayNode segments = root.putArray("segments");
    for (Segment segment : scenario.segments()) {
      ObjectNode node = segments.addObject();
      node.put("id", segment.id());
      if (segment.repeatOf() != null) {
        node.put("repeat", segment.repeatOf());
      } else {
        node.put("family", segment.family() == null ? Segment.CLEAN : segment.family().id());
        if (segment.family() != null) {
          node.put("severity", segment.severity());
        }
        if (segment.source() != null) {
          node.set("source", source(mapper, segment.source()));
        }
        if (!segment.domainTag().equals(
            Segment.defaultDomainTag(segment.id(), segment.family(), segment.severity(), segment.source()))) {
          node.put("domain", segment.domainTag());
        }
        LabelShift shift = segment.labelShift();
        if (shift != null && shift.classes() != null) {
          ArrayNode classes = node.putArray("classes");
          shift.classes().forEach(classes::add);
        } else if (shift != null && shift.weights() != null) {
          ArrayNode weights = node.putArray("classWeights");
          shift.weights().forEach(weights::add);
        }
      }
      node.put("length", segment.length());
      if (segment.transition() > 0) {
        node.put("transition", segment.transition());
      }
    }
    ObjectNode devices = root.putObject("devices");
    for (Map.Entry<String, java.util.List<String>> device : scenario.devices().entrySet()) {
      ArrayNode ids = devices.putArray(device.getKey());
      device.getValue().forEach(ids::add);
    }
    return root;
  }

  private static JsonNode source(ObjectMapper mapper, SourceSpec spec) {
    if (spec.dataset() != null) {
      return mapper.getNodeFactory().stringNode(spec.dataset());
    }
    ObjectNode node = mapper.createObjectNode();
    if (spec.folder() != null) {
      node.put("folder", spec.folder());
    } else {
      node.put("images", spec.images());
      node.put("labels", spec.labels());
    }
    return node;
  }
}
