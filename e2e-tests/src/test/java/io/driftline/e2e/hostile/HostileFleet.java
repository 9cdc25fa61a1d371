package io.driftline.e2e.hostile;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.e2e.Closeables;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.ServiceProcess;
import io.driftline.testsupport.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet the hostile suite attacks: the model registry, the semantic catalog, a cloud teacher and
 * the drift detector, each from its executable jar in a child JVM, started at once on ports chosen
 * up front (so the registry's console proxy can name the teacher and the catalog before they
 * answer), with topics and databases of their own on the shared broker and local PostgreSQL.
 *
 * <p>Every token, the database password and the signing keys are recognisable planted secrets, so
 * the log scan at the end of the suite can look for them.
 */
final class HostileFleet implements AutoCloseable {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofSeconds(180);

  /** A marker every planted secret carries, unique to this run. */
  final String marker = "PLANTED" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  final String admin = marker + "-registry-admin";
  final String operator = marker + "-registry-operator";
  final String viewer = marker + "-registry-viewer";
  final String teacherOperator = marker + "-teacher-operator";
  final String teacherViewer = marker + "-teacher-viewer";
  final String dbPassword;

  final KafkaTestBroker kafka;
  final Path dir;
  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final String samples = "device.samples.hostile-" + suffix;
  final String telemetry = "device.telemetry.hostile-" + suffix;
  final String incidents = "drift.incidents.hostile-" + suffix;
  final String registryEvents = "registry.events.hostile-" + suffix;
  final String desiredState = "fleet.desired-state.hostile-" + suffix;
  final String teacherGroup = "teacher-" + suffix;
  final String registryTelemetryGroup = "registry-telemetry-" + suffix;
  final String catalogGroup = "catalog-" + suffix;
  final String driftApplication = "drift-" + suffix;
  final KeyPair teacherKey = Ed25519Keys.generate();
  final TestDatabase registryDb;
  final TestDatabase teacherDb;
  final int registryPort = ServiceProcess.freePort();
  final int catalogPort = ServiceProcess.freePort();
  final int teacherPort = ServiceProcess.freePort();
  final int driftPort = ServiceProcess.freePort();
  final ServiceProcess registry;
  final ServiceProcess catalog;
  final ServiceProcess teacher;
  final ServiceProcess drift;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HostileFleet(KafkaTestBroker kafka) throws Exception {
    this.kafka = kafka;
    this.dir = Files.createTempDirectory("hostile-fleet-");
    Ed25519Keys.writePrivateKey(dir.resolve("teacher-key.pem"), teacherKey.getPrivate());
    Ed25519Keys.writePublicKey(dir.resolve("teacher-key.pem.pub"), teacherKey.getPublic());
    registryDb = database("hostile-registry");
    teacherDb = database("hostile-teacher");
    // the local server trusts its clients, so a planted password is sent nowhere but still sits in
    // the services' configuration; a password from the environment is a real secret just as well
    dbPassword = registryDb.password().isEmpty() ? marker + "-db-password" : registryDb.password();
    try (Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      a.createTopics(List.of(new NewTopic(registryEvents, 2, (short) 1),
          new NewTopic(desiredState, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")),
          new NewTopic(telemetry, 2, (short) 1), new NewTopic(incidents, 2, (short) 1),
          new NewTopic(samples, 2, (short) 1))).all().get();
    }
    ExecutorService starter = Executors.newFixedThreadPool(4);
    try {
      CompletableFuture<ServiceProcess> r = start(starter, "model-registry", registryPort, registryArgs(List.of()));
      CompletableFuture<ServiceProcess> c = start(starter, "semantic-catalog", catalogPort, catalogArgs());
      CompletableFuture<ServiceProcess> t = start(starter, "cloud-teacher", teacherPort, teacherArgs());
      CompletableFuture<ServiceProcess> d = start(starter, "drift-detector", driftPort, driftArgs());
      registry = join(r);
      catalog = join(c);
      teacher = join(t);
      drift = join(d);
    } finally {
      starter.shutdown();
    }
  }

  private TestDatabase database(String label) {
    TestDatabase db = PostgresTestServer.shared().createDatabase(label);
    closeables.add(db);
    return db;
  }

  private ServiceProcess join(CompletableFuture<ServiceProcess> f) throws Exception {
    try {
      ServiceProcess p = f.get();
      closeables.add(p);
      return p;
    } catch (java.util.concurrent.ExecutionException e) {
      close();
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private CompletableFuture<ServiceProcess> start(ExecutorService pool, String module, int port, List<String> args) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return ServiceProcess.start(module, List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"), args, port,
            dir.resolve(module + ".log"), START);
      } catch (Exception e) {
        throw new IllegalStateException(module + " did not start: " + e.getMessage(), e);
      }
    }, pool);
  }

  /** The registry's arguments, each of {@code overrides} replacing the default of the same key. */
  List<String> registryArgs(List<String> overrides) {
    return override(new ArrayList<>(List.of(
        "--spring.datasource.url=" + registryDb.jdbcUrl(),
        "--spring.datasource.username=" + registryDb.user(),
        "--spring.datasource.password=" + dbPassword,
        "--spring.datasource.hikari.maximum-pool-size=4",
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--driftline.registry.artefacts.directory=" + dir.resolve("registry/blobs"),
        "--driftline.registry.artefacts.max-size=1MB",
        "--driftline.registry.signing.key-file=" + dir.resolve("registry/signing-key.pem"),
        "--driftline.registry.signing.trusted-keys[0]=" + Ed25519Keys.toPem(teacherKey.getPublic()),
        "--driftline.registry.topics.registry-events=" + registryEvents,
        "--driftline.registry.topics.desired-state=" + desiredState,
        "--driftline.registry.topics.partitions=2",
        "--driftline.registry.telemetry.topic=" + telemetry,
        "--driftline.registry.telemetry.group-id=" + registryTelemetryGroup,
        "--driftline.registry.telemetry.dead-letter-partitions=2",
        "--driftline.registry.console.teacher-url=http://127.0.0.1:" + teacherPort,
        "--driftline.registry.console.teacher-token=" + teacherOperator,
        "--driftline.registry.console.catalog-url=http://127.0.0.1:" + catalogPort,
        "--driftline.registry.security.tokens[0].name=hostile-admin",
        "--driftline.registry.security.tokens[0].role=ADMIN",
        "--driftline.registry.security.tokens[0].token=" + admin,
        "--driftline.registry.security.tokens[1].name=hostile-operator",
        "--driftline.registry.security.tokens[1].role=OPERATOR",
        "--driftline.registry.security.tokens[1].token=" + operator,
        "--driftline.registry.security.tokens[2].name=hostile-viewer",
        "--driftline.registry.security.tokens[2].role=VIEWER",
        "--driftline.registry.security.tokens[2].token=" + viewer)), overrides);
  }

  private List<String> catalogArgs() {
    return List.of(
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--driftline.catalog.dataset=" + dir.resolve("catalog-tdb2"),
        "--driftline.catalog.events.topic=" + registryEvents,
        "--driftline.catalog.events.group-id=" + catalogGroup,
        "--driftline.catalog.events.declare-topic=false",
        "--driftline.catalog.events.partitions=2",
        "--driftline.catalog.events.retry-interval=100ms",
        // short enough for the suite's time budget, long enough for any honest query of a small graph
        "--driftline.catalog.sparql.timeout=1500ms",
        "--driftline.catalog.sparql.max-results=100");
  }

  /** The teacher's arguments, each of {@code overrides} replacing the default of the same key. */
  List<String> teacherArgs(List<String> overrides) {
    return override(new ArrayList<>(List.of(
        "--spring.datasource.url=" + teacherDb.jdbcUrl(),
        "--spring.datasource.username=" + teacherDb.user(),
        "--spring.datasource.password=" + dbPassword,
        "--spring.datasource.hikari.maximum-pool-size=4",
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--driftline.teacher.intake.samples-topic=" + samples,
        "--driftline.teacher.intake.incidents-topic=" + incidents,
        "--driftline.teacher.intake.partitions=2",
        "--driftline.teacher.intake.group-id=" + teacherGroup,
        "--driftline.teacher.intake.max-pixel-bytes=1000",
        "--driftline.teacher.registry.url=http://127.0.0.1:" + registryPort,
        "--driftline.teacher.registry.token=" + operator,
        "--driftline.teacher.catalog.url=http://127.0.0.1:" + catalogPort,
        "--driftline.teacher.signing.key-file=" + dir.resolve("teacher-key.pem"),
        "--driftline.teacher.security.tokens[0].name=hostile-teacher-operator",
        "--driftline.teacher.security.tokens[0].role=OPERATOR",
        "--driftline.teacher.security.tokens[0].token=" + teacherOperator,
        "--driftline.teacher.security.tokens[1].name=hostile-teacher-viewer",
        "--driftline.teacher.security.tokens[1].role=VIEWER",
        "--driftline.teacher.security.tokens[1].token=" + teacherViewer)), overrides);
  }

  private List<String> teacherArgs() {
    return teacherArgs(List.of());
  }

  private List<String> driftArgs() {
    return List.of(
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--spring.kafka.streams.application-id=" + driftApplication,
        "--spring.kafka.streams.state-dir=" + dir.resolve("drift-state"),
        "--spring.kafka.streams.properties.num.stream.threads=1",
        "--driftline.drift.topics.telemetry=" + telemetry,
        "--driftline.drift.topics.incidents=" + incidents,
        "--driftline.drift.topics.partitions=2");
  }

  private static List<String> override(List<String> args, List<String> overrides) {
    for (String o : overrides) {
      String key = o.substring(0, o.indexOf('=') + 1);
      args.removeIf(a -> a.startsWith(key));
      args.add(o);
    }
    return args;
  }

  /** Every planted secret: the tokens, the database password and both private keys' PEM bodies. */
  List<String> secrets() throws Exception {
    List<String> out = new ArrayList<>(List.of(admin, operator, viewer, teacherOperator, teacherViewer, dbPassword,
        marker));
    out.add(pemBody(Files.readString(dir.resolve("teacher-key.pem"))));
    out.add(pemBody(Files.readString(dir.resolve("registry/signing-key.pem"))));
    return out;
  }

  private static String pemBody(String pem) {
    return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder request(ServiceProcess service, String path) {
    return HttpRequest.newBuilder(URI.create(service.url() + path));
  }

  static HttpRequest.Builder json(ServiceProcess service, String path, String method, Object body) {
    return request(service, path).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
  }

  /** Sends {@code request} with {@code token} and returns the JSON answer, failing unless the status is {@code expected}. */
  JsonNode call(HttpRequest.Builder request, String token, int... expected) throws Exception {
    HttpResponse<String> r = send(request.header("Authorization", "Bearer " + token));
    for (int e : expected) {
      if (r.statusCode() == e) {
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
      }
    }
    throw new AssertionError(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": " + r.body());
  }

  /** Every log file the fleet and the suite's own child JVMs wrote. */
  List<Path> logs() throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }

  @Override
  public void close() {
    Closeables.closeInReverse(closeables);
  }
}
