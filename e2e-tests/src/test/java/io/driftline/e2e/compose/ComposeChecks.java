package io.driftline.e2e.compose;

import io.driftline.e2e.compose.ComposeFile.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * The static checks of a compose file against the repository it deploys. Each check returns the
 * problems it found, one sentence each naming the service and what is wrong (empty: it passes), so
 * that tests can assert both that the real file passes and that a broken copy fails for the right
 * reason.
 */
final class ComposeChecks {

  /** The services the system needs; the sandbox runs in the demo profile. */
  static final List<String> SYSTEM = List.of("kafka", "postgres", "model-registry", "semantic-catalog",
      "drift-detector", "cloud-teacher", "sandbox");

  /** The options of the sandbox's attach mode (its command line, or DRIFTLINE_SANDBOX_* variables). */
  static final Set<String> SANDBOX_OPTIONS = Set.of("attach", "kafka", "registry-url", "catalog-url",
      "teacher-url", "admin-token", "teacher-token", "models", "out");

  /** Variables a Spring service may get that are not Spring properties: the JVM reads this one. */
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  private static final Pattern JAR_COPY = Pattern.compile("^COPY\\s+(?:--\\S+\\s+)*([\\w.-]+)/target/(\\S+\\.jar)\\s+(\\S+)\\s*$",
      Pattern.MULTILINE);
  private static final Pattern HTTP_REFERENCE = Pattern.compile("https?://([a-z0-9-]+):(\\d+)");
  private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([a-z0-9-]+):(\\d+)/(\\w+)");

  private final ComposeFile compose;
  private final Path project;
  private final Map<String, Service> services;
  private final Map<String, ServiceProperties> properties = new HashMap<>();

  ComposeChecks(ComposeFile compose) {
    this.compose = compose;
    this.project = compose.projectDir();
    this.services = compose.services();
  }

  /** The system's services are there, and every service module of the repository is deployed. */
  List<String> systemServices() {
    List<String> problems = new ArrayList<>();
    for (String name : SYSTEM) {
      if (!services.containsKey(name)) {
        problems.add("service " + name + " is missing");
      }
    }
    Service sandbox = services.get("sandbox");
    if (sandbox != null && !sandbox.profiles().contains("demo")) {
      problems.add("service sandbox must be in the demo profile, is in " + sandbox.profiles());
    }
    Set<String> deployed = new LinkedHashSet<>();
    services.values().forEach(s -> jarModule(s).ifPresent(deployed::add));
    for (String module : serviceModules()) {
      if (!deployed.contains(module)) {
        problems.add("module " + module + " is a service (it has an application.yml) but no compose service runs its jar");
      }
    }
    return problems;
  }

  /** Every build has its context and Dockerfile; a Dockerfile's jar is the executable jar of a module. */
  List<String> builds() {
    List<String> problems = new ArrayList<>();
    for (Service service : services.values()) {
      Optional<String[]> build = service.build();
      if (build.isEmpty()) {
        if (service.image().isEmpty()) {
          problems.add("service " + service.name() + " has neither build nor image");
        }
        continue;
      }
      Path context = project.resolve(build.get()[0]).normalize();
      Path dockerfile = context.resolve(build.get()[1]).normalize();
      if (!Files.isDirectory(context)) {
        problems.add("service " + service.name() + ": build context " + build.get()[0] + " does not exist");
        continue;
      }
      if (!Files.isRegularFile(dockerfile)) {
        problems.add("service " + service.name() + ": Dockerfile " + build.get()[1] + " does not exist");
        continue;
      }
      problems.addAll(dockerfileProblems(service.name(), read(dockerfile), context));
    }
    return problems;
  }

  /**
   * Checks one Dockerfile: each COPY source exists in the context, except a module's jar, which must
   * be the name {@code ./mvnw package} gives that module's executable (Spring Boot) jar; the
   * entry point runs the copied jar with {@code java -jar}.
   */
  static List<String> dockerfileProblems(String service, String dockerfile, Path context) {
    List<String> problems = new ArrayList<>();
    Matcher jar = JAR_COPY.matcher(dockerfile);
    boolean hasJar = false;
    List<String> copied = new ArrayList<>();
    while (jar.find()) {
      hasJar = true;
      copied.add(jar.group(3));
      String module = jar.group(1);
      Path pom = context.resolve(module).resolve("pom.xml");
      if (!Files.isRegularFile(pom)) {
        problems.add("service " + service + ": the Dockerfile copies a jar of " + module + ", which is not a module");
        continue;
      }
      String pomText = read(pom);
      String expected = jarName(pomText, read(context.resolve("pom.xml")));
      if (!jar.group(2).equals(expected)) {
        problems.add("service " + service + ": the Dockerfile copies " + module + "/target/" + jar.group(2)
            + " but ./mvnw package builds " + module + "/target/" + expected);
      }
      if (!pomText.contains("<artifactId>spring-boot-maven-plugin</artifactId>")) {
        problems.add("service " + service + ": module " + module + " builds no executable jar (no spring-boot-maven-plugin)");
      }
    }
    // the image runs one of the jars it copies (the sandbox's image also carries the teacher's, to train models)
    String entrypoint = dockerfile.lines().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElse("");
    if (hasJar && (!entrypoint.contains("\"java\"") || !entrypoint.contains("\"-jar\"")
        || copied.stream().noneMatch(c -> entrypoint.contains("\"" + c + "\"")))) {
      problems.add("service " + service + ": the ENTRYPOINT does not run the copied jar " + copied.get(0) + " with java -jar");
    }
    for (String line : dockerfile.lines().filter(l -> l.startsWith("COPY ")).toList()) {
      String[] words = line.replaceAll("--\\S+", "").trim().split("\\s+");
      for (int i = 1; i < words.length - 1; i++) {
        if (!words[i].contains("/target/") && !Files.exists(context.resolve(words[i]))) {
          problems.add("service " + service + ": the Dockerfile copies " + words[i] + ", which does not exist");
        }
      }
    }
    if (!hasJar && !dockerfile.contains("ENTRYPOINT")) {
      problems.add("service " + service + ": the Dockerfile has no ENTRYPOINT");
    }
    return problems;
  }

  /** Long-running services have a health check; a Spring service's asks its actuator. */
  List<String> healthChecks() {
    List<String> problems = new ArrayList<>();
    for (Service service : services.values()) {
      Optional<List<String>> test = service.healthcheck();
      if (service.oneShot()) {
        continue;
      }
      if (test.isEmpty()) {
        problems.add("service " + service.name() + " has no health check");
        continue;
      }
      Optional<ServiceProperties> spring = springProperties(service);
      if (spring.isEmpty()) {
        continue;
      }
      int port = managementPort(service).orElse(serverPort(service));
      String url = "http://localhost:" + port + "/actuator/health";
      if (!test.get().contains(url) && test.get().stream().noneMatch(w -> w.contains(url + " ") || w.endsWith(url))) {
        problems.add("service " + service.name() + ": the health check must ask " + url + ", it runs " + test.get());
      }
      String tool = test.get().get(0).equals("CMD") ? test.get().get(1) : "";
      if (!tool.isEmpty() && service.build().isPresent()) {
        String dockerfile = read(project.resolve(service.build().get()[0]).resolve(service.build().get()[1]));
        if (!Pattern.compile("apt-get install[^\\n]*\\b" + Pattern.quote(tool) + "\\b").matcher(dockerfile.replace("\\\n", " ")).find()) {
          problems.add("service " + service.name() + ": the health check runs " + tool + ", which its Dockerfile does not install");
        }
      }
    }
    return problems;
  }

  /** A Spring service publishes its configured server port and only ports it listens on. */
  List<String> ports() {
    List<String> problems = new ArrayList<>();
    for (Service service : services.values()) {
      List<Integer> published = service.containerPorts();
      if (springProperties(service).isPresent()) {
        Set<Integer> listening = new LinkedHashSet<>();
        listening.add(serverPort(service));
        managementPort(service).ifPresent(listening::add);
        for (int port : published) {
          if (!listening.contains(port)) {
            problems.add("service " + service.name() + " publishes container port " + port
                + " but listens on " + listening + " (server.port / management.server.port)");
          }
        }
        if (!service.oneShot() && !published.contains(serverPort(service))) {
          problems.add("service " + service.name() + " does not publish its server port " + serverPort(service));
        }
      } else if (service.name().equals("kafka")) {
        Set<Integer> listeners = new LinkedHashSet<>();
        Matcher m = Pattern.compile(":(\\d+)").matcher(env(service).getOrDefault("KAFKA_LISTENERS", ""));
        while (m.find()) {
          listeners.add(Integer.parseInt(m.group(1)));
        }
        for (int port : published) {
          if (!listeners.contains(port)) {
            problems.add("service kafka publishes container port " + port + " but its listeners are on " + listeners);
          }
        }
      }
    }
    return problems;
  }

  /**
   * {@code depends_on} names services that exist, with conditions they can meet; and a service
   * waits for every service its configuration points at (HTTP URLs, Kafka, PostgreSQL), at the
   * port that service really listens on.
   */
  List<String> dependencies() {
    List<String> problems = new ArrayList<>();
    Set<String> conditions = Set.of("service_healthy", "service_completed_successfully", "service_started");
    for (Service service : services.values()) {
      Map<String, String> deps = service.dependsOn();
      for (Map.Entry<String, String> dep : deps.entrySet()) {
        Service target = services.get(dep.getKey());
        if (target == null) {
          problems.add("service " + service.name() + " depends on " + dep.getKey() + ", which does not exist");
          continue;
        }
        if (!conditions.contains(dep.getValue())) {
          problems.add("service " + service.name() + " depends on " + dep.getKey() + " with unknown condition " + dep.getValue());
        } else if (dep.getValue().equals("service_healthy") && target.healthcheck().isEmpty()) {
          problems.add("service " + service.name() + " waits for " + dep.getKey() + " to be healthy, which has no health check");
        } else if (dep.getValue().equals("service_completed_successfully") && !target.oneShot()) {
          problems.add("service " + service.name() + " waits for " + dep.getKey() + " to complete, which keeps running");
        } else if (dep.getValue().equals("service_healthy") && target.oneShot()) {
          problems.add("service " + service.name() + " waits for the one-shot " + dep.getKey() + " to be healthy");
        }
        if (service.profiles().isEmpty() && !target.profiles().isEmpty()) {
          problems.add("service " + service.name() + " always starts but depends on " + dep.getKey()
              + ", which only starts in profiles " + target.profiles());
        }
      }
      String config = String.join(" ", env(service).values()) + " " + String.join(" ", service.command());
      Matcher http = HTTP_REFERENCE.matcher(config);
      while (http.find()) {
        String host = http.group(1);
        if (host.equals("localhost")) {
          continue;
        }
        Service target = services.get(host);
        if (target == null) {
          problems.add("service " + service.name() + " refers to " + http.group() + " but there is no service " + host);
          continue;
        }
        int port = Integer.parseInt(http.group(2));
        if (springProperties(target).isPresent() && port != serverPort(target)) {
          problems.add("service " + service.name() + " refers to " + http.group() + " but " + host
              + " listens on " + serverPort(target));
        }
        requireHealthy(service, host, deps, problems);
      }
      String kafkaAddress = internalKafkaListener();
      for (Map.Entry<String, String> e : env(service).entrySet()) {
        if (e.getKey().contains("KAFKA") && e.getKey().contains("BOOTSTRAP")) {
          if (!e.getValue().equals(kafkaAddress)) {
            problems.add("service " + service.name() + ": " + e.getKey() + "=" + e.getValue()
                + " is not Kafka's address for containers (" + kafkaAddress + ")");
          }
          requireHealthy(service, "kafka", deps, problems);
        }
      }
      List<String> command = service.command();
      int kafkaOption = command.indexOf("--kafka");
      if (kafkaOption >= 0 && kafkaOption + 1 < command.size()) {
        if (!command.get(kafkaOption + 1).equals(kafkaAddress)) {
          problems.add("service " + service.name() + ": --kafka " + command.get(kafkaOption + 1)
              + " is not Kafka's address for containers (" + kafkaAddress + ")");
        }
        requireHealthy(service, "kafka", deps, problems);
      }
      problems.addAll(databaseProblems(service, deps));
    }
    return problems;
  }

  private List<String> databaseProblems(Service service, Map<String, String> deps) {
    List<String> problems = new ArrayList<>();
    Map<String, String> env = env(service);
    for (String value : env.values()) {
      Matcher jdbc = JDBC_URL.matcher(value);
      if (!jdbc.find()) {
        continue;
      }
      requireHealthy(service, jdbc.group(1), deps, problems);
      String init = initScript();
      if (!init.contains("CREATE DATABASE " + jdbc.group(3) + " ")) {
        problems.add("service " + service.name() + " uses database " + jdbc.group(3) + ", which the PostgreSQL init script does not create");
      }
      String user = env.getOrDefault("SPRING_DATASOURCE_USERNAME", "");
      if (!init.contains("CREATE ROLE " + user + " LOGIN") || !init.contains("CREATE DATABASE " + jdbc.group(3) + " OWNER " + user + ";")) {
        problems.add("service " + service.name() + " connects as '" + user + "', which the init script does not make owner of " + jdbc.group(3));
      }
    }
    return problems;
  }

  private String initScript() {
    Service postgres = services.get("postgres");
    if (postgres == null) {
      return "";
    }
    StringBuilder scripts = new StringBuilder();
    for (String[] volume : postgres.volumes()) {
      if (volume[1].startsWith("/docker-entrypoint-initdb.d") && isBind(volume[0])) {
        Path script = project.resolve(volume[0]).normalize();
        if (Files.isRegularFile(script)) {
          scripts.append(read(script));
        }
      }
    }
    return scripts.toString();
  }

  private void requireHealthy(Service service, String target, Map<String, String> deps, List<String> problems) {
    String problem = "service " + service.name() + " uses " + target + " but does not wait for it (depends_on "
        + target + " with condition service_healthy)";
    if (!"service_healthy".equals(deps.get(target)) && !problems.contains(problem)) {
      problems.add(problem);
    }
  }

  /** Kafka runs in KRaft mode, one node that is broker and controller, with no ZooKeeper anywhere. */
  List<String> kafkaKraft() {
    List<String> problems = new ArrayList<>();
    Service kafka = services.get("kafka");
    if (kafka == null) {
      return List.of("service kafka is missing");
    }
    if (!kafka.image().orElse("").matches("apache/kafka:4\\.1\\.\\d+")) {
      problems.add("service kafka must run the official apache/kafka:4.1.x image, runs " + kafka.image().orElse("no image"));
    }
    Map<String, String> env = env(kafka);
    Set<String> roles = Set.of(env.getOrDefault("KAFKA_PROCESS_ROLES", "").split("\\s*,\\s*"));
    if (!roles.containsAll(Set.of("broker", "controller"))) {
      problems.add("service kafka: KAFKA_PROCESS_ROLES must be broker,controller (KRaft, one node), is " + roles);
    }
    for (String required : List.of("KAFKA_NODE_ID", "CLUSTER_ID", "KAFKA_CONTROLLER_QUORUM_VOTERS",
        "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS")) {
      if (env.getOrDefault(required, "").isBlank()) {
        problems.add("service kafka: " + required + " is not set");
      }
    }
    for (String single : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
      if (!"1".equals(env.get(single))) {
        problems.add("service kafka: " + single + " must be 1 on a single broker (transactions of the drift detector)");
      }
    }
    for (Service service : services.values()) {
      boolean zookeeper = service.name().contains("zookeeper") || service.image().orElse("").contains("zookeeper")
          || env(service).keySet().stream().anyMatch(k -> k.contains("ZOOKEEPER"));
      if (zookeeper) {
        problems.add("service " + service.name() + " refers to ZooKeeper; Kafka runs in KRaft mode");
      }
    }
    if (internalKafkaListener().isEmpty()) {
      problems.add("service kafka advertises no listener at kafka:<port> for the other containers");
    }
    return problems;
  }

  /**
   * Every environment variable of a Spring service sets a property that service reads (Spring's
   * relaxed binding against the module's application.yml, @ConfigurationProperties records and the
   * Boot properties of the groups it configures); secrets come from variables, not the file.
   */
  List<String> environment() {
    List<String> problems = new ArrayList<>();
    for (Service service : services.values()) {
      Optional<ServiceProperties> spring = springProperties(service);
      for (Map.Entry<String, String> e : service.environment().entrySet()) {
        String name = e.getKey();
        if (secret(name) && !e.getValue().contains("${")) {
          problems.add("service " + service.name() + ": " + name + " is a secret written into the file; give it as ${VARIABLE} from .env");
        }
        if (spring.isEmpty() || JVM_VARIABLES.contains(name)) {
          continue;
        }
        if (spring.get().propertyOf(name).isEmpty()) {
          problems.add("service " + service.name() + ": environment variable " + name
              + " binds to no property that " + spring.get().module() + " reads");
        }
      }
    }
    return problems;
  }

  /** Named volumes are declared (and every declared one is used); bind-mounted files exist. */
  List<String> volumes() {
    List<String> problems = new ArrayList<>();
    Set<String> declared = new LinkedHashSet<>(compose.declaredVolumes());
    Set<String> used = new LinkedHashSet<>();
    for (Service service : services.values()) {
      for (String[] volume : service.volumes()) {
        if (isBind(volume[0])) {
          if (!Files.exists(project.resolve(volume[0]).normalize())) {
            problems.add("service " + service.name() + " mounts " + volume[0] + ", which does not exist");
          }
        } else {
          used.add(volume[0]);
          if (!declared.contains(volume[0])) {
            problems.add("service " + service.name() + " mounts volume " + volume[0] + ", which is not declared under volumes");
          }
        }
      }
    }
    for (String volume : declared) {
      if (!used.contains(volume)) {
        problems.add("volume " + volume + " is declared but no service mounts it");
      }
    }
    return problems;
  }

  /** The demo sandbox runs attach mode with the options attach mode has, and nothing else. */
  List<String> sandbox() {
    List<String> problems = new ArrayList<>();
    Service sandbox = services.get("sandbox");
    if (sandbox == null) {
      return List.of("service sandbox is missing");
    }
    List<String> command = sandbox.command();
    if (!command.contains("--attach")) {
      problems.add("service sandbox must run in attach mode (--attach)");
    }
    for (String word : command) {
      if (word.startsWith("--") && !SANDBOX_OPTIONS.contains(word.substring(2).replaceAll("=.*", ""))) {
        problems.add("service sandbox: option " + word + " is not an option of the sandbox's attach mode " + SANDBOX_OPTIONS);
      }
    }
    for (String name : sandbox.environment().keySet()) {
      String option = name.startsWith("DRIFTLINE_SANDBOX_")
          ? name.substring("DRIFTLINE_SANDBOX_".length()).toLowerCase(Locale.ROOT).replace('_', '-') : "";
      if (!SANDBOX_OPTIONS.contains(option) && !JVM_VARIABLES.contains(name)) {
        problems.add("service sandbox: environment variable " + name + " is not DRIFTLINE_SANDBOX_<OPTION> of an attach-mode option");
      }
    }
    return problems;
  }

  /** Every ${VARIABLE} without a default is set in the env file (.env.example). */
  List<String> variables() {
    List<String> problems = new ArrayList<>();
    ComposeFile.references(compose.text()).forEach((name, hasDefault) -> {
      if (!hasDefault && compose.envFile().getOrDefault(name, "").isEmpty()) {
        problems.add("variable " + name + " is used without default but not set in the env file");
      }
    });
    return problems;
  }

  /** The module whose jar a built service runs, from the COPY line of its Dockerfile. */
  Optional<String> jarModule(Service service) {
    return service.build().flatMap(build -> {
      Path dockerfile = project.resolve(build[0]).resolve(build[1]).normalize();
      if (!Files.isRegularFile(dockerfile)) {
        return Optional.empty();
      }
      Matcher jar = JAR_COPY.matcher(read(dockerfile));
      return jar.find() ? Optional.of(jar.group(1)) : Optional.empty();
    });
  }

  /** The properties of the Spring service a compose service runs (not the sandbox, checked by its options). */
  Optional<ServiceProperties> springProperties(Service service) {
    return jarModule(service)
        .filter(module -> !module.equals("sandbox"))
        .filter(module -> Files.isRegularFile(project.resolve(module).resolve("src/main/resources/application.yml")))
        .map(module -> properties.computeIfAbsent(module, m -> ServiceProperties.of(project.resolve(m))));
  }

  private int serverPort(Service service) {
    ServiceProperties spring = springProperties(service).orElseThrow();
    Map<String, String> env = env(service);
    String port = env.getOrDefault("SERVER_PORT", spring.resolvedYamlValue("server.port", env).orElse("8080"));
    return Integer.parseInt(port.trim());
  }

  private Optional<Integer> managementPort(Service service) {
    ServiceProperties spring = springProperties(service).orElseThrow();
    Map<String, String> env = env(service);
    String port = env.get("MANAGEMENT_SERVER_PORT");
    if (port == null) {
      port = spring.resolvedYamlValue("management.server.port", env).orElse(null);
    }
    return Optional.ofNullable(port).map(p -> Integer.parseInt(p.trim()));
  }

  /** Kafka's advertised listener for containers ({@code kafka:<port>}), or empty. */
  private String internalKafkaListener() {
    Service kafka = services.get("kafka");
    if (kafka == null) {
      return "";
    }
    Matcher m = Pattern.compile("://(kafka:\\d+)").matcher(env(kafka).getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
    return m.find() ? m.group(1) : "";
  }

  /** A service's environment with the env file's variables filled in. */
  private Map<String, String> env(Service service) {
    Map<String, String> env = new LinkedHashMap<>();
    service.environment().forEach((k, v) -> env.put(k, compose.interpolate(v)));
    return env;
  }

  /** Modules that are services: those with a src/main/resources/application.yml. */
  private List<String> serviceModules() {
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(read(project.resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (module.find()) {
      if (Files.isRegularFile(project.resolve(module.group(1)).resolve("src/main/resources/application.yml"))) {
        modules.add(module.group(1));
      }
    }
    return modules;
  }

  /**
   * The name {@code ./mvnw package} gives a module's executable jar: its finalName, else
   * artifactId-version, with the repackaging classifier if it has one.
   */
  private static String jarName(String pom, String parentPom) {
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    if (finalName.find()) {
      return finalName.group(1) + ".jar";
    }
    Matcher parent = Pattern.compile("(?s)<parent>.*?</parent>").matcher(pom);
    String parentBlock = parent.find() ? parent.group() : "";
    String own = pom.replace(parentBlock, "").replaceFirst("(?s)<dependencies>.*", "");
    String artifact = first("artifactId", own).orElse("?");
    String version = first("version", own).or(() -> first("version", parentBlock))
        .or(() -> first("version", parentPom.replaceFirst("(?s)<dependencies>.*", ""))).orElse("?");
    // a classifier on spring-boot-maven-plugin names the executable jar (device-agent's "exec")
    Matcher plugin = Pattern.compile("(?s)<artifactId>spring-boot-maven-plugin</artifactId>.*?</plugin>").matcher(pom);
    Optional<String> classifier = plugin.find() ? first("classifier", plugin.group()) : Optional.empty();
    return artifact + "-" + version + classifier.map(c -> "-" + c).orElse("") + ".jar";
  }

  private static Optional<String> first(String element, String xml) {
    Matcher m = Pattern.compile("<" + element + ">([^<]+)</" + element + ">").matcher(xml);
    return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
  }

  private static boolean secret(String name) {
    return name.endsWith("_TOKEN") || name.endsWith("_PASSWORD") || name.endsWith("_SHA256");
  }

  private static boolean isBind(String source) {
    return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
