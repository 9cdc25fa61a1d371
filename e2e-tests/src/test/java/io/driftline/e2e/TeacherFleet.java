package io.driftline.e2e;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.ServiceProcess;
import io.driftline.testsupport.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small real fleet for the closed-loop tests: the model registry and the semantic catalog (their
 * executable jars in child JVMs), quick reference models registered in the registry, and cloud
 * teachers (child JVMs too, so a test can kill one with SIGKILL) on the shared broker and local
 * PostgreSQL. Every fleet has topics and databases of its own.
 */
public final class TeacherFleet implements AutoCloseable {

  static final String OPERATOR = "e2e-operator-token";
  static final String TEACHER_TOKEN = "e2e-teacher-api-token";
  static final String TEACHER_VIEWER = "e2e-teacher-viewer-token";
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofSeconds(180);
  private static @Nullable Path quickModels;

  final KafkaTestBroker kafka;
  final Path dir;
  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final String registryEvents = "registry.events.e2e-" + suffix;
  final String desiredState = "fleet.desired-state.e2e-" + suffix;
  final KeyPair teacherKey;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  final ServiceProcess registry;
  final ServiceProcess catalog;

  TeacherFleet(KafkaTestBroker kafka, String name) throws Exception {
    this.kafka = kafka;
    this.dir = Files.createTempDirectory("teacher-fleet-" + name + "-");
    // the teacher's key, made up front so the registry can trust it from its first start
    this.teacherKey = Ed25519Keys.generate();
    Ed25519Keys.writePrivateKey(dir.resolve("teacher-key.pem"), teacherKey.getPrivate());
    Ed25519Keys.writePublicKey(dir.resolve("teacher-key.pem.pub"), teacherKey.getPublic());
    E2eKafka.createTopics(kafka, new NewTopic(registryEvents, 2, (short) 1),
        new NewTopic(desiredState, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")));
    TestDatabase registryDb = database("registry");
    registry = start("model-registry", List.of(
        "--spring.datasource.url=" + registryDb.jdbcUrl(),
        "--spring.datasource.username=" + registryDb.user(),
        "--spring.datasource.password=" + registryDb.password(),
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--driftline.registry.artefacts.directory=" + dir.resolve("registry/blobs"),
        "--driftline.registry.signing.key-file=" + dir.resolve("registry/signing-key.pem"),
        "--driftline.registry.signing.trusted-keys[0]=" + Ed25519Keys.toPem(teacherKey.getPublic()),
        "--driftline.registry.topics.registry-events=" + registryEvents,
        "--driftline.registry.topics.desired-state=" + desiredState,
        "--driftline.registry.topics.partitions=2",
        "--driftline.registry.security.tokens[0].name=e2e-operator",
        "--driftline.registry.security.tokens[0].role=ADMIN",
        "--driftline.registry.security.tokens[0].token=" + OPERATOR), dir.resolve("registry.log"));
    catalog = start("semantic-catalog", List.of(
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--driftline.catalog.dataset=" + dir.resolve("catalog-tdb2"),
        "--driftline.catalog.events.topic=" + registryEvents,
        "--driftline.catalog.events.group-id=catalog-" + suffix,
        "--driftline.catalog.events.declare-topic=false",
        "--driftline.catalog.events.partitions=2"), dir.resolve("catalog.log"));
    registerModels();
  }

  TestDatabase database(String label) {
    TestDatabase db = PostgresTestServer.shared().createDatabase(label);
    closeables.add(db);
    return db;
  }

  private ServiceProcess start(String module, List<String> args, Path log) throws IOException, InterruptedException {
    ServiceProcess p = ServiceProcess.start(module, List.of("-Xmx512m"), args, ServiceProcess.freePort(), log, START);
    closeables.add(p);
    return p;
  }

  /**
   * The quick reference models (student-nano, student-small and teacher), bootstrapped once per JVM
   * with the teacher's jar; the sandbox test runs on them too.
   */
  public static synchronized Path quickModels() throws IOException, InterruptedException {
    if (quickModels == null) {
      Path out = Files.createTempDirectory("teacher-fleet-models-");
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Dloader.main=io.driftline.teacher.bootstrap.BootstrapModels",
          "-cp", ServiceProcess.jar("cloud-teacher").toString(), "org.springframework.boot.loader.launch.PropertiesLauncher",
          "--quick", "--out", out.toString(), "--seed", "5", "--models", "student-nano,student-small,teacher")
          .redirectErrorStream(true).redirectOutput(out.resolve("bootstrap.log").toFile()).start();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("bootstrap-models --quick failed: " + Files.readString(out.resolve("bootstrap.log")));
      }
      quickModels = out;
    }
    return quickModels;
  }

  private void registerModels() throws Exception {
    Path models = quickModels();
    register("student-small", "student", "application/onnx", Files.readAllBytes(models.resolve("student-small.onnx")));
    register("teacher", "teacher", "application/octet-stream", Files.readAllBytes(models.resolve("teacher.onnx")));
  }

  private void register(String name, String kind, String mediaType, byte[] bytes) throws Exception {
    post(registry, "/api/v1/models", Map.of("name", name, "kind", kind), 201);
    JsonNode artefact = call(registry, HttpRequest.newBuilder(uri(registry, "/api/v1/artefacts"))
        .header("Content-Type", mediaType).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), OPERATOR, 200, 201);
    post(registry, "/api/v1/models/" + name + "/versions", Map.of("digest", artefact.get("digest").asString()), 201);
  }

  /**
   * Enrols a device on student-small:1 and waits until the catalog knows its budget.
   *
   * @return the registry's device id
   */
  String enrol(String deviceClass, List<String> precisions, long ramBytes, long flashBytes, long macsPerSecond)
      throws Exception {
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("deviceClass", deviceClass);
    description.put("student", "student-small:1");
    description.put("precisions", precisions);
    description.put("ramBytes", ramBytes);
    description.put("flashBytes", flashBytes);
    description.put("macsPerSecond", macsPerSecond);
    description.put("sensors", List.of(Map.of("id", "cam", "kind", "camera", "width", 28, "height", 28, "channels", 1)));
    description.put("labels", Map.of());
    String id = post(registry, "/api/v1/devices", description, 201).get("deviceId").asString();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(catalog, "/catalog/match/devices/" + id)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && JSON.readTree(r.body()).path("currentBudget").isObject()) {
        return id;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the catalog did not learn device " + id + " within 60 s: " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(200);
    }
  }

  /**
   * A cloud teacher in a child JVM with a database and topics of its own.
   *
   * @param name for its log file
   * @param db its database (a restarted teacher gets the same one)
   * @param extra further {@code --key=value} arguments; each replaces a default of the same key
   */
  ServiceProcess teacher(String name, TestDatabase db, String samplesTopic, String incidentsTopic, List<String> extra)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(
        "--spring.datasource.url=" + db.jdbcUrl(),
        "--spring.datasource.username=" + db.user(),
        "--spring.datasource.password=" + db.password(),
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--driftline.teacher.intake.samples-topic=" + samplesTopic,
        "--driftline.teacher.intake.incidents-topic=" + incidentsTopic,
        "--driftline.teacher.intake.partitions=2",
        // a consumer group per teacher database: teachers of other tests never join its rebalances,
        // and a restarted teacher (same database) resumes its predecessor's offsets
        "--driftline.teacher.intake.group-id=teacher-" + db.name(),
        "--driftline.teacher.registry.url=" + registry.url(),
        "--driftline.teacher.registry.token=" + OPERATOR,
        "--driftline.teacher.catalog.url=" + catalog.url(),
        "--driftline.teacher.models.teacher=teacher:1",
        "--driftline.teacher.signing.key-file=" + dir.resolve("teacher-key.pem"),
        "--driftline.teacher.jobs.min-samples=20",
        // these tests send 60 uploads per domain (12 held out): the loop, not the gate's sample floor, is under test
        "--driftline.teacher.gate.min-held-out=10",
        "--driftline.teacher.jobs.collect-for=5s",
        "--driftline.teacher.jobs.stale-after=4s",
        "--driftline.teacher.jobs.poll=200ms",
        "--driftline.teacher.security.tokens[0].name=e2e",
        "--driftline.teacher.security.tokens[0].role=OPERATOR",
        "--driftline.teacher.security.tokens[0].token=" + TEACHER_TOKEN,
        "--driftline.teacher.security.tokens[1].name=e2e-viewer",
        "--driftline.teacher.security.tokens[1].role=VIEWER",
        "--driftline.teacher.security.tokens[1].token=" + TEACHER_VIEWER));
    // an extra argument replaces the default of the same key (Spring would join repeated ones with commas)
    for (String e : extra) {
      String key = e.substring(0, e.indexOf('=') + 1);
      args.removeIf(a -> a.startsWith(key));
      args.add(e);
    }
    return start("cloud-teacher", args, dir.resolve(name + ".log"));
  }

  /** Sends events with an idempotent producer (in order per key) and waits for every acknowledgement. */
  void send(String topic, List<? extends DriftlineEvent> events) throws Exception {
    try (KafkaProducer<String, DriftlineEvent> producer =
        new KafkaProducer<>(E2eKafka.producerConfig(kafka), new StringSerializer(), new EventSerializer<>())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (DriftlineEvent e : events) {
        sent.add(producer.send(new ProducerRecord<>(topic, e.key(), e)));
      }
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
  }

  static List<DeviceSample> samples(String deviceId, List<io.driftline.core.image.Image> frames, long windowSeq) {
    List<DeviceSample> out = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      out.add(DeviceSample.builder().setEventId(UUID.randomUUID().toString()).setDeviceId(deviceId)
          .setStudentModelId("student-small:1").setWindowSeq(windowSeq + i / 10).setFrameIndex(i)
          .setCapturedAt(java.time.Instant.now()).setUncertainty(0.8f).setOodScore(0.5f).setPredictedClass(0)
          .setImage(frames.get(i)).build());
    }
    return out;
  }

  static DriftIncident opened(String incidentId, String deviceId, String groupId, long firstWindowSeq) {
    java.time.Instant now = java.time.Instant.now();
    return new DriftIncident(incidentId, deviceId, DriftIncident.State.OPEN, "page-hinkley", "oodScore.mean", 14.2,
        now, now, firstWindowSeq, firstWindowSeq + 3, null, groupId);
  }

  JsonNode get(ServiceProcess service, String path, String token) throws Exception {
    return call(service, HttpRequest.newBuilder(uri(service, path)).GET(), token, 200);
  }

  byte[] bytes(ServiceProcess service, String path, String token) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri(service, path)).header("Authorization", "Bearer " + token)
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " answered " + r.statusCode());
    }
    return r.body();
  }

  int status(ServiceProcess service, String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(service, path)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  JsonNode post(ServiceProcess service, String path, Object body, int expected) throws Exception {
    return post(service, path, body, service == registry ? OPERATOR : TEACHER_TOKEN, expected);
  }

  JsonNode post(ServiceProcess service, String path, Object body, String token, int expected) throws Exception {
    return call(service, HttpRequest.newBuilder(uri(service, path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), token, expected);
  }

  private JsonNode call(ServiceProcess service, HttpRequest.Builder request, String token, int... expected) throws Exception {
    HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    for (int e : expected) {
      if (r.statusCode() == e) {
        return JSON.readTree(r.body());
      }
    }
    throw new AssertionError(request.build().uri() + " answered " + r.statusCode() + ": " + r.body());
  }

  private static URI uri(ServiceProcess service, String path) {
    return URI.create(service.url() + path);
  }

  @Override
  public void close() {
    Closeables.closeInReverse(closeables);
  }
}
