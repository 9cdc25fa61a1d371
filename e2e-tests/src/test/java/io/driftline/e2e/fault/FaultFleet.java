package io.driftline.e2e.fault;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.events.DesiredState;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.Topics;
import io.driftline.e2e.Closeables;
import io.driftline.e2e.TeacherFleet;
import io.driftline.testsupport.BrokerProcess;
import io.driftline.testsupport.PostgresCluster;
import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.ServiceProcess;
import io.driftline.testsupport.TcpProxy;
import io.driftline.testsupport.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole system for the fault tests, every part of it restartable: a Kafka broker in a child JVM
 * ({@link BrokerProcess}: SIGKILL and restart on the same port and log folder), a private
 * PostgreSQL cluster ({@link PostgresCluster}) when one can run here (else the shared server, and
 * the PostgreSQL scenario skips), the model registry, semantic catalog, drift detector and cloud
 * teacher as child JVMs that can be killed and started again with the same arguments and port, and
 * real device agents in this JVM. The last device reaches Kafka and the registry through
 * {@link TcpProxy}s, so a test can take it off the network while it keeps capturing frames.
 */
final class FaultFleet implements AutoCloseable {

  static final String OPERATOR = "fault-operator-token";
  static final String TEACHER_TOKEN = "fault-teacher-token";
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofMinutes(5);
  private static final int PARTITIONS = 2;

  final Path dir;
  final BrokerProcess broker;
  final @Nullable PostgresCluster cluster;
  final TestDatabase registryDb;
  final TestDatabase teacherDb;
  final TcpProxy deviceKafka;
  final TcpProxy deviceRegistry;
  final Map<String, Service> services = new LinkedHashMap<>();
  final List<FaultDevice> devices = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** A service in a child JVM with what it takes to start it again the same way. */
  static final class Service {
    final String module;
    final List<String> args;
    final int port;
    final Path log;
    ServiceProcess process;
    int starts;

    Service(String module, List<String> args, int port, Path log) {
      this.module = module;
      this.args = args;
      this.port = port;
      this.log = log;
    }

    String url() {
      return "http://127.0.0.1:" + port;
    }
  }

  FaultFleet(int devicesDirect, int deviceQueueRecords) throws Exception {
    dir = Files.createTempDirectory("fault-fleet-");
    int deviceKafkaPort = ServiceProcess.freePort();
    broker = BrokerProcess.start(dir.resolve("kafka"), Map.of("DEVICE", deviceKafkaPort));
    closeables.add(broker);
    deviceKafka = TcpProxy.start(deviceKafkaPort, broker.listenerPort("DEVICE"));
    closeables.add(deviceKafka);
    createTopics();

    PostgresTestServer pg;
    if (PostgresCluster.unavailableReason().isEmpty()) {
      cluster = PostgresCluster.start();
      closeables.add(cluster);
      pg = cluster.server();
    } else {
      cluster = null;
      pg = PostgresTestServer.shared();
    }
    registryDb = pg.createDatabase("fault-registry");
    teacherDb = pg.createDatabase("fault-teacher");
    if (cluster == null) {
      closeables.add(registryDb);
      closeables.add(teacherDb);
    }

    KeyPair teacherKey = Ed25519Keys.generate();
    Ed25519Keys.writePrivateKey(dir.resolve("teacher-key.pem"), teacherKey.getPrivate());
    Ed25519Keys.writePublicKey(dir.resolve("teacher-key.pem.pub"), teacherKey.getPublic());
    String kafka = broker.bootstrapServers();
    int registryPort = ServiceProcess.freePort();
    int catalogPort = ServiceProcess.freePort();
    Service registry = service("model-registry", registryPort, List.of(
        "--spring.datasource.url=" + registryDb.jdbcUrl(),
        "--spring.datasource.username=" + registryDb.user(),
        "--spring.datasource.password=" + registryDb.password(),
        "--spring.kafka.bootstrap-servers=" + kafka,
        "--driftline.registry.artefacts.directory=" + dir.resolve("registry/blobs"),
        "--driftline.registry.signing.key-file=" + dir.resolve("registry/signing-key.pem"),
        "--driftline.registry.signing.trusted-keys[0]=" + Ed25519Keys.toPem(teacherKey.getPublic()),
        "--driftline.registry.topics.partitions=" + PARTITIONS,
        "--driftline.registry.security.tokens[0].name=fault-operator",
        "--driftline.registry.security.tokens[0].role=ADMIN",
        "--driftline.registry.security.tokens[0].token=" + OPERATOR));
    Service catalog = service("semantic-catalog", catalogPort, List.of(
        "--spring.kafka.bootstrap-servers=" + kafka,
        "--driftline.catalog.dataset=" + dir.resolve("catalog-tdb2"),
        "--driftline.catalog.events.partitions=" + PARTITIONS));
    Service detector = service("drift-detector", ServiceProcess.freePort(), List.of(
        "--spring.kafka.bootstrap-servers=" + kafka,
        "--spring.kafka.streams.state-dir=" + dir.resolve("detector-state"),
        "--driftline.drift.topics.partitions=" + PARTITIONS,
        "--driftline.drift.topics.replicas=1",
        "--spring.kafka.streams.properties.num.stream.threads=1",
        // a bundle that does not help ends its incident (FAILED) within 30 windows (30 s) instead of 60
        "--driftline.drift.lifecycle.recovery-deadline-windows=30"));
    Service teacher = service("cloud-teacher", ServiceProcess.freePort(), List.of(
        "--spring.datasource.url=" + teacherDb.jdbcUrl(),
        "--spring.datasource.username=" + teacherDb.user(),
        "--spring.datasource.password=" + teacherDb.password(),
        "--spring.kafka.bootstrap-servers=" + kafka,
        "--driftline.teacher.intake.partitions=" + PARTITIONS,
        "--driftline.teacher.registry.url=" + registry.url(),
        "--driftline.teacher.registry.token=" + OPERATOR,
        "--driftline.teacher.catalog.url=" + catalog.url(),
        "--driftline.teacher.models.teacher=teacher:1",
        "--driftline.teacher.signing.key-file=" + dir.resolve("teacher-key.pem"),
        // a job's held-out fifth must reach the gate's floor; on two shared cores the devices run
        // below their 25 frames/s, and a first job may have one device's uploads only
        "--driftline.teacher.jobs.min-samples=60",
        "--driftline.teacher.gate.min-held-out=6",
        "--driftline.teacher.jobs.collect-for=30s",
        // a job for the whole fleet trains on at most 300 samples (half a minute here, not two)
        "--driftline.teacher.jobs.max-samples-per-device=100",
        "--driftline.teacher.jobs.stale-after=6s",
        "--driftline.teacher.jobs.poll=250ms",
        "--driftline.teacher.security.tokens[0].name=fault",
        "--driftline.teacher.security.tokens[0].role=OPERATOR",
        "--driftline.teacher.security.tokens[0].token=" + TEACHER_TOKEN));
    startAll(List.of(registry, catalog));
    registerModels();
    startAll(List.of(detector, teacher));

    deviceRegistry = TcpProxy.start(registryPort);
    closeables.add(deviceRegistry);
    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    Path student = TeacherFleet.quickModels().resolve("student-small.onnx");
    for (int i = 0; i <= devicesDirect; i++) {
      boolean proxied = i == devicesDirect;
      FaultDevice d = new FaultDevice("device-" + i, test, 1000 * i, student, dir.resolve("device-" + i),
          proxied ? "127.0.0.1:" + deviceKafka.port() : kafka,
          proxied ? "http://127.0.0.1:" + deviceRegistry.port() : registry.url(), OPERATOR,
          proxied ? deviceQueueRecords : 10_000);
      devices.add(d);
      closeables.add(d);
    }
    devices.forEach(d -> d.agent.start());
  }

  private Service service(String module, int port, List<String> args) {
    Service s = new Service(module, args, port, dir.resolve("logs/" + module + ".log"));
    services.put(module, s);
    return s;
  }

  private void startAll(List<Service> list) throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(list.size());
    try {
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (Service s : list) {
        futures.add(pool.submit(() -> {
          start(s);
          return null;
        }));
      }
      for (var f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Starts (or starts again) a service with its first arguments, on its port. */
  void start(Service s) throws IOException, InterruptedException {
    Files.createDirectories(s.log.getParent());
    Path log = s.starts == 0 ? s.log : s.log.resolveSibling(s.module + "-" + (s.starts + 1) + ".log");
    s.process = ServiceProcess.start(s.module, ServiceProcess.jar(s.module), List.of("-Xmx384m", "-XX:+UseSerialGC"),
        s.args, Map.of("MALLOC_ARENA_MAX", "2"), s.port, log, START);
    s.starts++;
  }

  Service service(String module) {
    return services.get(module);
  }

  /** Kills a service with SIGKILL. */
  void kill(String module) {
    service(module).process.kill();
  }

  /** Starts a killed service again on the same port with the same arguments. */
  void restart(String module) throws IOException, InterruptedException {
    start(service(module));
  }

  private void createTopics() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(Topics.newTopics(PARTITIONS)).all().get();
    }
  }

  private void registerModels() throws Exception {
    Path models = TeacherFleet.quickModels();
    register("student-small", "student", "application/onnx", Files.readAllBytes(models.resolve("student-small.onnx")));
    register("teacher", "teacher", "application/octet-stream", Files.readAllBytes(models.resolve("teacher.onnx")));
  }

  private void register(String name, String kind, String mediaType, byte[] bytes) throws Exception {
    post(registry(), "/api/v1/models", Map.of("name", name, "kind", kind), OPERATOR, 201);
    JsonNode artefact = call(HttpRequest.newBuilder(URI.create(registry().url() + "/api/v1/artefacts"))
        .header("Content-Type", mediaType).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), OPERATOR, 200, 201);
    post(registry(), "/api/v1/models/" + name + "/versions", Map.of("digest", artefact.get("digest").asString()),
        OPERATOR, 201);
  }

  /** The device behind the proxies, with the small offline queue. */
  FaultDevice proxied() {
    return devices.get(devices.size() - 1);
  }

  Service registry() {
    return service("model-registry");
  }

  Service teacher() {
    return service("cloud-teacher");
  }

  JsonNode get(Service s, String path, String token) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(s.url() + path)).GET(), token, 200);
  }

  int status(Service s, String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(s.url() + path)).header("Authorization", "Bearer " + token)
        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  JsonNode post(Service s, String path, Object body, String token, int... expected) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(s.url() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), token, expected);
  }

  JsonNode put(Service s, String path, Object body, String token) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(s.url() + path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), token, 200);
  }

  private JsonNode call(HttpRequest.Builder request, String token, int... expected) throws Exception {
    HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    for (int e : expected) {
      if (r.statusCode() == e) {
        return JSON.readTree(r.body());
      }
    }
    throw new AssertionError(request.build().uri() + " answered " + r.statusCode() + ": " + r.body());
  }

  /** The registry's fleet view: device id → its entry ({@code desiredBundle}, {@code reportedBundle}, ...). */
  Map<String, JsonNode> fleetView() throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    for (FaultDevice d : devices) {
      out.put(d.id(), get(registry(), "/api/v1/fleet/" + d.id(), OPERATOR));
    }
    return out;
  }

  /** Every record of a topic from the start (up to the end offsets found now), in partition order. */
  <V> List<ConsumerRecord<String, V>> readAll(String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(20));
      List<ConsumerRecord<String, V>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end offsets " + end + " within 30 s");
        }
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      return out;
    }
  }

  /** The latest event of every incident on {@code drift.incidents}. */
  Map<String, DriftIncident> latestIncidents() {
    Map<String, DriftIncident> latest = new LinkedHashMap<>();
    for (var r : readAll(Topics.DRIFT_INCIDENTS, new EventDeserializer<>(DriftIncident.class))) {
      if (r.value() != null) {
        latest.put(r.value().incidentId(), r.value());
      }
    }
    return latest;
  }

  /** The latest record per key on {@code fleet.desired-state} (null for a tombstone). */
  Map<String, @Nullable DesiredState> desiredStateRecords() {
    Map<String, @Nullable DesiredState> latest = new HashMap<>();
    for (var r : readAll(Topics.FLEET_DESIRED_STATE, new EventDeserializer<>(DesiredState.class))) {
      latest.put(r.key(), r.value());
    }
    return latest;
  }

  /** Rows of one query on a database, each as column → value. */
  static List<Map<String, Object>> query(TestDatabase db, String sql) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** A fresh id for names in this fleet. */
  static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() {
    List<Service> started = new ArrayList<>(services.values());
    java.util.Collections.reverse(started);
    for (Service s : started) {
      if (s.process != null) {
        try {
          s.process.close();
        } catch (RuntimeException e) {
          // keep stopping the rest
        }
      }
    }
    Closeables.closeInReverse(closeables);
  }
}
