package io.driftline.sandbox;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.Topics;
import io.driftline.testsupport.EmbeddedBroker;
import io.driftline.testsupport.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The sandbox's own infrastructure and services: an embedded Kafka broker (KRaft) with the
 * system's topics, and the model registry, semantic catalog, drift detector and cloud teacher, each
 * its executable jar in a child JVM with a log file under {@code <out>/logs}. {@link #close} stops
 * them in reverse order.
 */
final class LocalStack implements AutoCloseable {

  /** Topic partitions: two keep every consumer group small and still exercise partitioning. */
  static final int PARTITIONS = 2;
  private static final Duration START = Duration.ofMinutes(4);
  private static final List<String> SERVICES = List.of("model-registry", "semantic-catalog", "drift-detector",
      "cloud-teacher");
  private static final Map<String, Integer> DEFAULT_PORTS = Map.of("model-registry", 8084, "semantic-catalog", 8085,
      "drift-detector", 8083, "cloud-teacher", 8081);
  private static final Map<String, String> HEAP = Map.of("model-registry", "-Xmx384m", "semantic-catalog", "-Xmx320m",
      "drift-detector", "-Xmx256m", "cloud-teacher", "-Xmx768m");

  /**
   * glibc gives each thread that allocates its own malloc arena (up to 8 per core), and the native
   * libraries of ONNX Runtime and PyTorch allocate from many threads: two arenas keep the services'
   * resident memory near their heaps.
   */
  private static final Map<String, String> NATIVE_MEMORY = Map.of("MALLOC_ARENA_MAX", "2");
  private final EmbeddedKafkaKraftBroker broker;
  final String kafka;
  final String adminToken;
  final String teacherToken;
  final ServiceProcess registry;
  final ServiceProcess catalog;
  final ServiceProcess detector;
  final ServiceProcess teacher;

  private LocalStack(EmbeddedKafkaKraftBroker broker, String kafka, List<ServiceProcess> services, String adminToken,
      String teacherToken) {
    this.broker = broker;
    this.kafka = kafka;
    this.adminToken = adminToken;
    this.teacherToken = teacherToken;
    this.registry = services.get(0);
    this.catalog = services.get(1);
    this.detector = services.get(2);
    this.teacher = services.get(3);
  }

  /** Starts the broker, creates the topics, and starts the four services in parallel. */
  static LocalStack start(Postgres db, Path out, Path sourceData, @Nullable Path servicesDir, Progress progress)
      throws Exception {
    Map<String, Path> jars = new java.util.LinkedHashMap<>();
    for (String module : SERVICES) {
      jars.put(module, findJar(module, servicesDir));
    }
    progress.say("starting Kafka (embedded KRaft broker)");
    EmbeddedKafkaKraftBroker broker = EmbeddedBroker.start(PARTITIONS);
    String kafka = broker.getBrokersAsString();
    createTopics(kafka);
    progress.say("Kafka is up at " + kafka);

    Path keys = out.resolve("keys");
    Files.createDirectories(keys);
    KeyPair teacherKey = Ed25519Keys.generate();
    Ed25519Keys.writePrivateKey(keys.resolve("teacher-key.pem"), teacherKey.getPrivate());
    Ed25519Keys.writePublicKey(keys.resolve("teacher-key.pem.pub"), teacherKey.getPublic());

    Map<String, Integer> ports = new java.util.HashMap<>();
    for (String module : SERVICES) {
      ports.put(module, port(DEFAULT_PORTS.get(module)));
    }
    String registryUrl = "http://127.0.0.1:" + ports.get("model-registry");
    String catalogUrl = "http://127.0.0.1:" + ports.get("semantic-catalog");
    String teacherUrl = "http://127.0.0.1:" + ports.get("cloud-teacher");
    String adminToken = "sandbox-admin-" + UUID.randomUUID();
    String teacherToken = "sandbox-teacher-" + UUID.randomUUID();
    List<String> datasource = new ArrayList<>(List.of("--spring.datasource.url=" + db.jdbcUrl()));
    if (!db.user().isEmpty()) {
      datasource.add("--spring.datasource.username=" + db.user());
      datasource.add("--spring.datasource.password=" + db.password());
    }
    Map<String, List<String>> args = Map.of(
        "model-registry", concat(datasource, List.of(
            "--spring.kafka.bootstrap-servers=" + kafka,
            "--driftline.registry.artefacts.directory=" + out.resolve("registry/blobs").toAbsolutePath(),
            "--driftline.registry.signing.key-file=" + out.resolve("registry/signing-key.pem").toAbsolutePath(),
            "--driftline.registry.signing.trusted-keys[0]=" + Ed25519Keys.toPem(teacherKey.getPublic()),
            "--driftline.registry.topics.partitions=" + PARTITIONS,
            "--driftline.registry.security.tokens[0].name=sandbox-admin",
            "--driftline.registry.security.tokens[0].role=ADMIN",
            "--driftline.registry.security.tokens[0].token=" + adminToken,
            // the console calls the teacher and the catalog through the registry
            "--driftline.registry.console.teacher-url=" + teacherUrl,
            "--driftline.registry.console.teacher-token=" + teacherToken,
            "--driftline.registry.console.catalog-url=" + catalogUrl)),
        "semantic-catalog", List.of(
            "--spring.kafka.bootstrap-servers=" + kafka,
            "--driftline.catalog.dataset=" + out.resolve("catalog-tdb2").toAbsolutePath(),
            "--driftline.catalog.events.partitions=" + PARTITIONS),
        "drift-detector", List.of(
            "--spring.kafka.bootstrap-servers=" + kafka,
            "--spring.kafka.streams.state-dir=" + out.resolve("detector-state").toAbsolutePath(),
            "--driftline.drift.topics.partitions=" + PARTITIONS,
            // one stream thread: the sandbox shares two cores between every service and the devices
            "--spring.kafka.streams.properties.num.stream.threads=1"),
        "cloud-teacher", concat(datasource, List.of(
            "--spring.kafka.bootstrap-servers=" + kafka,
            "--driftline.teacher.intake.partitions=" + PARTITIONS,
            "--driftline.teacher.registry.url=" + registryUrl,
            "--driftline.teacher.registry.token=" + adminToken,
            "--driftline.teacher.catalog.url=" + catalogUrl,
            "--driftline.teacher.models.teacher=teacher:1",
            "--driftline.teacher.source.dataset=" + sourceData.toAbsolutePath(),
            "--driftline.teacher.signing.key-file=" + keys.resolve("teacher-key.pem").toAbsolutePath(),
            // enough uploads that the gate's held-out share (a fifth) reaches its 20 samples
            "--driftline.teacher.jobs.min-samples=120",
            "--driftline.teacher.jobs.collect-for=45s",
            "--driftline.teacher.security.tokens[0].name=sandbox",
            "--driftline.teacher.security.tokens[0].role=OPERATOR",
            "--driftline.teacher.security.tokens[0].token=" + teacherToken)));

    progress.say("starting " + String.join(", ", SERVICES) + " (logs in " + out.resolve("logs") + ")");
    ExecutorService pool = Executors.newFixedThreadPool(SERVICES.size());
    List<ServiceProcess> started = new ArrayList<>();
    try {
      List<Future<ServiceProcess>> futures = new ArrayList<>();
      for (String module : SERVICES) {
        futures.add(pool.submit(() -> {
          ServiceProcess p = ServiceProcess.start(module, jars.get(module), List.of(HEAP.get(module),
                  "-XX:+UseSerialGC"), args.get(module), NATIVE_MEMORY,
              ports.get(module), out.resolve("logs/" + module + ".log"), START);
          progress.say(module + " is up at " + p.url());
          return p;
        }));
      }
      Exception failure = null;
      for (Future<ServiceProcess> f : futures) {
        try {
          started.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          failure = failure == null && e.getCause() instanceof Exception c ? c : failure;
        }
      }
      if (failure != null) {
        started.forEach(ServiceProcess::close);
        broker.destroy();
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
    return new LocalStack(broker, kafka, started, adminToken, teacherToken);
  }

  private static void createTopics(String kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      admin.createTopics(Topics.newTopics(PARTITIONS)).all().get();
    }
  }

  /** The default port if it is free, else a free one. */
  private static int port(int preferred) {
    try (ServerSocket s = new ServerSocket(preferred)) {
      return preferred;
    } catch (IOException e) {
      return ServiceProcess.freePort();
    }
  }

  /**
   * A service's executable jar: in {@code servicesDir} if given, else {@code <module>/target/} under
   * the working directory (the repository), else next to the sandbox jar's own module.
   */
  static Path findJar(String module, @Nullable Path servicesDir) {
    Pattern name = Pattern.compile(Pattern.quote(module) + "-\\d[^/\\\\]*(?<!-sources|-javadoc|-tests|-original)\\.jar");
    List<Path> places = new ArrayList<>();
    if (servicesDir != null) {
      places.add(servicesDir);
    }
    places.add(Path.of(module, "target"));
    Path self = selfLocation();
    if (self != null && self.getParent() != null && self.getParent().getParent() != null) {
      // sandbox/target/sandbox.jar -> <repo>/<module>/target
      places.add(self.getParent().getParent().resolveSibling(module).resolve("target"));
    }
    for (Path place : places) {
      if (Files.isDirectory(place)) {
        try (Stream<Path> files = Files.list(place)) {
          var jar = files.filter(f -> name.matcher(f.getFileName().toString()).matches())
              .max(Comparator.comparing(f -> f.toFile().lastModified()));
          if (jar.isPresent()) {
            return jar.get();
          }
        } catch (IOException e) {
          // try the next place
        }
      }
    }
    throw new IllegalStateException("cannot find the " + module + " jar (looked in " + places
        + "); build everything first: ./mvnw -B -q install -DskipTests");
  }

  /** The sandbox jar when run with {@code java -jar}, else null. */
  private static @Nullable Path selfLocation() {
    String cp = System.getProperty("java.class.path", "");
    return cp.endsWith(".jar") && !cp.contains(java.io.File.pathSeparator) ? Path.of(cp).toAbsolutePath() : null;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Service processes, to measure their memory. */
  List<ServiceProcess> services() {
    return List.of(registry, catalog, detector, teacher);
  }

  @Override
  public void close() {
    for (ServiceProcess p : List.of(teacher, detector, catalog, registry)) {
      try {
        p.close();
      } catch (RuntimeException e) {
        // keep stopping the rest
      }
    }
    broker.destroy();
  }
}
