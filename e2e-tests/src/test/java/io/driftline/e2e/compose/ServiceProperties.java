package io.driftline.e2e.compose;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration properties one service module reads, learnt from its sources: the keys of its
 * {@code application.yml}, the names its {@code @ConfigurationProperties} records bind (prefix plus
 * record components, nested records, lists and maps), the {@code ${NAME:default}} placeholders of
 * its {@code application.yml}, and the Spring Boot properties (from Boot's configuration metadata on
 * the class path) of the groups its {@code application.yml} configures, such as {@code spring.kafka}.
 *
 * <p>{@link #propertyOf} maps an environment variable back to the property it sets. The final word
 * is Spring Boot's own relaxed binding: a candidate counts only if a
 * {@link SystemEnvironmentPropertySource} holding just that variable answers for the property name.
 */
final class ServiceProperties {

  /** Boot properties any Spring Boot application reads, whatever its application.yml holds. */
  private static final Set<String> BOOT_CORE = Set.of("spring.config.import");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(?::([^}]*))?}");
  private static final Pattern RECORD = Pattern.compile("\\brecord\\s+(\\w+)\\s*\\(");
  private static final Pattern ANNOTATION = Pattern.compile("@ConfigurationProperties\\s*\\(([^)]*)\\)");

  private final String module;
  private final Node root = new Node("");
  private final Map<String, String> yaml = new LinkedHashMap<>();
  private final Set<String> placeholders = new LinkedHashSet<>();

  private ServiceProperties(String module) {
    this.module = module;
  }

  /**
   * Reads a module's properties.
   *
   * @param moduleDir the module folder (with {@code src/main/resources/application.yml})
   */
  static ServiceProperties of(Path moduleDir) {
    ServiceProperties properties = new ServiceProperties(moduleDir.getFileName().toString());
    Path yml = moduleDir.resolve("src/main/resources/application.yml");
    try {
      String text = Files.readString(yml);
      Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      if (loaded instanceof Map<?, ?> map) {
        flatten("", map, properties.yaml);
      }
      Matcher placeholder = PLACEHOLDER.matcher(text);
      while (placeholder.find()) {
        properties.placeholders.add(placeholder.group(1));
      }
      for (String key : properties.yaml.keySet()) {
        properties.root.insert(key).leaf = true;
      }
      Set<String> groups = new LinkedHashSet<>();
      properties.yaml.keySet().forEach(key -> groups.add(group(key)));
      for (Map.Entry<String, String> boot : BootMetadata.properties().entrySet()) {
        if (groups.contains(group(boot.getKey())) || BOOT_CORE.contains(boot.getKey())) {
          properties.root.insert(boot.getKey()).typed(boot.getValue(), Map.of());
        }
      }
      try (Stream<Path> sources = Files.walk(moduleDir.resolve("src/main/java"))) {
        for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
          properties.readRecords(Files.readString(source));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  /** The module's name. */
  String module() {
    return module;
  }

  /** A flattened key of application.yml with its raw value (placeholders unresolved). */
  Optional<String> yamlValue(String key) {
    return Optional.ofNullable(yaml.get(key));
  }

  /**
   * Resolves a value of application.yml, replacing {@code ${NAME:default}} by the variable from
   * {@code env} or the default.
   */
  Optional<String> resolvedYamlValue(String key, Map<String, String> env) {
    return yamlValue(key).map(raw -> {
      Matcher m = PLACEHOLDER.matcher(raw);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = env.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2));
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      return out.toString();
    });
  }

  /**
   * Returns the property an environment variable sets in this service, or empty if it sets none:
   * a placeholder name of application.yml itself, or the canonical name (e.g.
   * {@code driftline.registry.security.tokens[0].name}) that Spring's relaxed binding maps it to.
   */
  Optional<String> propertyOf(String envName) {
    if (placeholders.contains(envName)) {
      return Optional.of("${" + envName + "}");
    }
    if (!envName.matches("[A-Z0-9]+(_[A-Z0-9]+)*")) {
      return Optional.empty();
    }
    String[] tokens = envName.toLowerCase(Locale.ROOT).split("_");
    for (String candidate : root.match(tokens, 0, "")) {
      if (springBinds(envName, candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Whether Spring Boot binds the environment variable {@code envName} to {@code property}. */
  static boolean springBinds(String envName, String property) {
    if (!ConfigurationPropertyName.isValid(property)) {
      return false;
    }
    SystemEnvironmentPropertySource env = new SystemEnvironmentPropertySource(
        "systemEnvironment", Map.of(envName, "value"));
    ConfigurationPropertySource source = ConfigurationPropertySource.from(env);
    return source != null && source.getConfigurationProperty(ConfigurationPropertyName.of(property)) != null;
  }

  private void readRecords(String source) {
    if (!ANNOTATION.matcher(source).find()) {
      return;
    }
    String java = withoutComments(source);
    Matcher annotation = ANNOTATION.matcher(java);
    if (!annotation.find()) {
      return;
    }
    String prefix = prefixOf(annotation.group(1), java);
    Map<String, List<String[]>> records = new HashMap<>();
    Matcher record = RECORD.matcher(java);
    String top = null;
    while (record.find()) {
      int open = record.end() - 1;
      records.put(record.group(1), components(java.substring(open + 1, closing(java, open))));
      if (top == null && record.start() > annotation.end()) {
        top = record.group(1);
      }
    }
    if (top == null) {
      throw new IllegalStateException(module + ": @ConfigurationProperties(" + prefix + ") on no record");
    }
    root.insert(prefix).record(top, records);
  }

  private static String prefixOf(String argument, String java) {
    Matcher literal = Pattern.compile("\"([^\"]*)\"").matcher(argument);
    if (literal.find()) {
      return literal.group(1);
    }
    String constant = argument.replaceAll(".*\\.", "").replaceAll("(value|prefix)\\s*=", "").trim();
    Matcher declared = Pattern.compile("String\\s+" + Pattern.quote(constant) + "\\s*=\\s*\"([^\"]*)\"").matcher(java);
    if (!declared.find()) {
      throw new IllegalStateException("cannot resolve the @ConfigurationProperties prefix " + argument);
    }
    return declared.group(1);
  }

  /** The source without comments (string literals kept as they are). */
  private static String withoutComments(String java) {
    StringBuilder out = new StringBuilder(java.length());
    for (int i = 0; i < java.length(); i++) {
      char c = java.charAt(i);
      if (c == '"') {
        int end = java.indexOf('"', i + 1);
        while (java.charAt(end - 1) == '\\') {
          end = java.indexOf('"', end + 1);
        }
        out.append(java, i, end + 1);
        i = end;
      } else if (java.startsWith("//", i)) {
        i = java.indexOf('\n', i) - 1;
        if (i < 0) {
          break;
        }
      } else if (java.startsWith("/*", i)) {
        i = java.indexOf("*/", i + 2) + 1;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Index of the parenthesis that closes the one at {@code open}, skipping string literals. */
  private static int closing(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        i = text.indexOf('"', i + 1);
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalStateException("unbalanced parentheses");
  }

  /** Splits a record header into {type, name} pairs, dropping annotations. */
  private static List<String[]> components(String header) {
    StringBuilder plain = new StringBuilder();
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '@') {
        int j = i + 1;
        while (j < header.length() && (Character.isJavaIdentifierPart(header.charAt(j)) || header.charAt(j) == '.')) {
          j++;
        }
        while (j < header.length() && Character.isWhitespace(header.charAt(j))) {
          j++;
        }
        i = (j < header.length() && header.charAt(j) == '(') ? closing(header, j) : j - 1;
      } else if (c == '"') {
        i = header.indexOf('"', i + 1);
      } else {
        plain.append(c);
      }
    }
    List<String[]> result = new ArrayList<>();
    int depth = 0;
    int start = 0;
    String text = plain.toString();
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ',';
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String component = text.substring(start, i).trim().replaceAll("\\s+", " ");
        start = i + 1;
        if (component.isEmpty()) {
          continue;
        }
        int space = component.lastIndexOf(' ');
        result.add(new String[] {component.substring(0, space).replace(" ", ""), component.substring(space + 1)});
      }
    }
    return result;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = prefix.isEmpty() ? String.valueOf(entry.getKey()) : prefix + "." + entry.getKey();
      if (entry.getValue() instanceof Map<?, ?> nested) {
        flatten(key, nested, out);
      } else {
        out.put(key, String.valueOf(entry.getValue()));
      }
    }
  }

  /** The auto-configuration group of a property: {@code spring.kafka} for spring.*, else its first name. */
  private static String group(String property) {
    String[] parts = property.split("\\.");
    return parts[0].equals("spring") && parts.length > 1 ? "spring." + parts[1] : parts[0];
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String uniform(String name) {
    return name.replace("-", "").toLowerCase(Locale.ROOT);
  }

  /** One name element of the property tree. */
  private static final class Node {
    final String name;
    final Map<String, Node> children = new LinkedHashMap<>();
    boolean leaf;
    boolean anyBelow;
    @Nullable Node element;

    Node(String name) {
      this.name = name;
    }

    Node insert(String dotted) {
      Node node = this;
      for (String part : dotted.split("\\.")) {
        node = node.children.computeIfAbsent(uniform(part), key -> new Node(part));
      }
      return node;
    }

    /** Marks this node as a property of the given Java type. */
    void typed(String type, Map<String, List<String[]>> records) {
      String raw = type.replaceAll("<.*", "").replaceAll(".*\\.", "");
      if (raw.equals("Map")) {
        anyBelow = true;
      } else if (raw.equals("List") || raw.equals("Set") || raw.equals("Collection") || type.endsWith("[]")) {
        leaf = true;
        String elementType = type.endsWith("[]") ? type.substring(0, type.length() - 2)
            : type.substring(type.indexOf('<') + 1, type.lastIndexOf('>'));
        Node e = element == null ? new Node("") : element;
        element = e;
        e.typed(elementType, records);
      } else if (records.containsKey(raw)) {
        record(raw, records);
      } else {
        leaf = true;
      }
    }

    void record(String recordName, Map<String, List<String[]>> records) {
      for (String[] component : records.get(recordName)) {
        String dashed = kebab(component[1]);
        children.computeIfAbsent(uniform(dashed), key -> new Node(dashed)).typed(component[0], records);
      }
    }

    /** Canonical property names that the environment tokens {@code tokens[i..]} may denote. */
    List<String> match(String[] tokens, int i, String path) {
      List<String> found = new ArrayList<>();
      if (i == tokens.length) {
        if (leaf && !path.isEmpty()) {
          found.add(path);
        }
        return found;
      }
      if (anyBelow) {
        found.add(path + "." + String.join(".", List.of(tokens).subList(i, tokens.length)));
      }
      if (element != null && tokens[i].matches("\\d+")) {
        found.addAll(element.match(tokens, i + 1, path + "[" + tokens[i] + "]"));
      }
      StringBuilder key = new StringBuilder();
      for (int k = i; k < tokens.length; k++) {
        key.append(tokens[k]);
        Node child = children.get(key.toString());
        if (child != null) {
          found.addAll(child.match(tokens, k + 1, path.isEmpty() ? child.name : path + "." + child.name));
        }
      }
      return found;
    }
  }

  /** Spring Boot's configuration metadata on the class path: property name to Java type. */
  static final class BootMetadata {
    private static @Nullable Map<String, String> properties;

    private BootMetadata() {}

    static synchronized Map<String, String> properties() {
      if (properties == null) {
        Map<String, String> all = new LinkedHashMap<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
          for (String resource : List.of("META-INF/spring-configuration-metadata.json",
              "META-INF/additional-spring-configuration-metadata.json")) {
            Enumeration<URL> urls = BootMetadata.class.getClassLoader().getResources(resource);
            while (urls.hasMoreElements()) {
              try (InputStream in = urls.nextElement().openStream()) {
                JsonNode tree = json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                for (JsonNode property : tree.path("properties")) {
                  all.putIfAbsent(property.path("name").asString(), property.path("type").asString("java.lang.String"));
                }
              }
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        properties = all;
      }
      return properties;
    }
  }
}
