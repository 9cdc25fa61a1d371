package io.driftline.e2e.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A docker-compose file read with SnakeYAML, with the variables of an env file ({@code .env.example})
 * for its {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${VAR:?message}} references.
 *
 * @param projectDir the folder relative paths (build contexts, bind mounts) are resolved against
 * @param text the file's text
 * @param root the parsed file
 * @param envFile the variables of the env file
 */
record ComposeFile(Path projectDir, String text, Map<String, Object> root, Map<String, String> envFile) {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  /** Reads {@code composeFile}, resolving paths against {@code projectDir} and variables from {@code envFile}. */
  static ComposeFile read(Path projectDir, Path composeFile, Path envFile) {
    try {
      return parse(projectDir, Files.readString(composeFile), Files.readString(envFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses compose text and env-file text. */
  @SuppressWarnings("unchecked")
  static ComposeFile parse(Path projectDir, String composeText, String envText) {
    Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(composeText);
    if (!(loaded instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("the compose file is not a YAML mapping");
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : envText.split("\n")) {
      String trimmed = line.trim();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#") && trimmed.contains("=")) {
        env.put(trimmed.substring(0, trimmed.indexOf('=')).trim(), trimmed.substring(trimmed.indexOf('=') + 1).trim());
      }
    }
    return new ComposeFile(projectDir, composeText, (Map<String, Object>) loaded, env);
  }

  /** The services by name. */
  Map<String, Service> services() {
    Map<String, Service> services = new LinkedHashMap<>();
    map(root.get("services")).forEach((name, body) -> services.put(name, new Service(name, map(body))));
    return services;
  }

  /** The names declared under the top-level {@code volumes}. */
  List<String> declaredVolumes() {
    return new ArrayList<>(map(root.get("volumes")).keySet());
  }

  /** The variables a value refers to, with whether each has a default ({@code :-}). */
  static Map<String, Boolean> references(String value) {
    Map<String, Boolean> refs = new LinkedHashMap<>();
    Matcher m = REFERENCE.matcher(value);
    while (m.find()) {
      refs.merge(m.group(1), m.group(2) != null && m.group(2).endsWith("-"), Boolean::logicalAnd);
    }
    return refs;
  }

  /** The value with every variable replaced as Compose would with the env file's variables. */
  String interpolate(String value) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String set = envFile.get(m.group(1));
      String replacement = set != null && !set.isEmpty() ? set
          : m.group(2) != null && m.group(2).endsWith("-") ? m.group(3) : "";
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(@Nullable Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  static List<Object> list(@Nullable Object value) {
    return value instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }

  /**
   * One service.
   *
   * @param name its name
   * @param body its YAML
   */
  record Service(String name, Map<String, Object> body) {

    /** Its environment (map or {@code KEY=value} list form), values not interpolated. */
    Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      Object raw = body.get("environment");
      if (raw instanceof Map<?, ?> m) {
        m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      } else {
        for (Object entry : list(raw)) {
          String s = String.valueOf(entry);
          int eq = s.indexOf('=');
          env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
        }
      }
      return env;
    }

    /** Its command as a list of words (a string command is split on white space). */
    List<String> command() {
      Object raw = body.get("command");
      if (raw instanceof String s) {
        return List.of(s.trim().split("\\s+"));
      }
      return list(raw).stream().map(String::valueOf).toList();
    }

    /** Its profiles (empty: always started). */
    List<String> profiles() {
      return list(body.get("profiles")).stream().map(String::valueOf).toList();
    }

    /** Whether it runs once and exits ({@code restart: "no"}), like the key generator and the demo. */
    boolean oneShot() {
      return "no".equals(String.valueOf(body.get("restart")));
    }

    /** The container ports of its {@code ports} (short or long syntax). */
    List<Integer> containerPorts() {
      List<Integer> ports = new ArrayList<>();
      for (Object entry : list(body.get("ports"))) {
        String target = entry instanceof Map<?, ?> m ? String.valueOf(m.get("target"))
            : String.valueOf(entry).replaceAll(".*:", "");
        ports.add(Integer.parseInt(target.replaceAll("/.*", "")));
      }
      return ports;
    }

    /** Its {@code depends_on}: service name to condition ({@code service_started} for the list form). */
    Map<String, String> dependsOn() {
      Map<String, String> deps = new LinkedHashMap<>();
      Object raw = body.get("depends_on");
      if (raw instanceof Map<?, ?> m) {
        m.forEach((k, v) -> deps.put(String.valueOf(k),
            String.valueOf(map(v).getOrDefault("condition", "service_started"))));
      } else {
        list(raw).forEach(k -> deps.put(String.valueOf(k), "service_started"));
      }
      return deps;
    }

    /** The health check's test as words, or empty. */
    Optional<List<String>> healthcheck() {
      Object test = map(body.get("healthcheck")).get("test");
      if (test instanceof String s) {
        return Optional.of(List.of("CMD-SHELL", s));
      }
      List<String> words = list(test).stream().map(String::valueOf).toList();
      return words.isEmpty() ? Optional.empty() : Optional.of(words);
    }

    /** Its volumes as {source, target}; a bind mount's source starts with {@code .} or {@code /}. */
    List<String[]> volumes() {
      List<String[]> volumes = new ArrayList<>();
      for (Object entry : list(body.get("volumes"))) {
        if (entry instanceof Map<?, ?> m) {
          volumes.add(new String[] {String.valueOf(m.get("source")), String.valueOf(m.get("target"))});
        } else {
          String[] parts = String.valueOf(entry).split(":");
          volumes.add(new String[] {parts[0], parts.length > 1 ? parts[1] : parts[0]});
        }
      }
      return volumes;
    }

    /** The build context and Dockerfile, or empty for an image-only service. */
    Optional<String[]> build() {
      Object build = body.get("build");
      if (build == null) {
        return Optional.empty();
      }
      if (build instanceof String context) {
        return Optional.of(new String[] {context, "Dockerfile"});
      }
      Map<String, Object> b = map(build);
      return Optional.of(new String[] {String.valueOf(b.getOrDefault("context", ".")),
          String.valueOf(b.getOrDefault("dockerfile", "Dockerfile"))});
    }

    /** Its image, or empty. */
    Optional<String> image() {
      return Optional.ofNullable(body.get("image")).map(String::valueOf);
    }
  }
}
