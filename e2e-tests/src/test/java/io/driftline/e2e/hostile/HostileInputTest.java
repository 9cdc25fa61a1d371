package io.driftline.e2e.hostile;

import static io.driftline.e2e.hostile.HostileFleet.JSON;
import static io.driftline.e2e.hostile.HostileFleet.json;
import static io.driftline.e2e.hostile.HostileFleet.request;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import io.driftline.agent.update.DesiredStateWatcher;
import io.driftline.agent.update.UpdateOutcome;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DesiredState;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.DropCounts;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.ScoreSummary;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.image.Image;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.testsupport.KafkaTestBroker;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hostile-input suite: every case attacks the one running fleet and must be refused with a clear
 * error (problem+json naming the problem, a dead letter with its reason, an outcome of the device
 * agent, one line of a command or a service that will not start) while the {@link StateFingerprint}
 * stays exactly as it was. Kafka cases then send a good record and wait until every consumer of the
 * topic has gone past it. The last case scans every log the suite produced for the planted secrets.
 * The cases are listed in docs/security.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

  /** What a case does; it may return a follow-up run after the fingerprint was compared. */
  @FunctionalInterface
  interface Attack {
    @Nullable FollowUp run() throws Exception;
  }

  /** What runs after the state check (a Kafka case's good record). */
  @FunctionalInterface
  interface FollowUp {
    void run() throws Exception;
  }

  record Case(String category, String name, Attack attack) {}

  private HostileFleet fleet;
  private PoisonRecords kafka;
  private StateFingerprint fingerprint;
  private AgentUnderAttack agent;
  // one child JVM at a time: they share two cores with the fleet
  private final ExecutorService background = Executors.newSingleThreadExecutor();
  private final Map<String, CompletableFuture<ChildJvm>> children = new LinkedHashMap<>();
  private final Map<String, Integer> passed = new TreeMap<>();
  private long started;

  private byte[] nano;
  private String nanoDigest;
  private String deviceA;
  private String tokenA;
  private String deviceB;
  private String tokenB;
  private String revokedToken;
  private String bDigest;
  private DesiredState desiredV1;
  private DesiredState desiredV2;
  private byte[] signedV1;
  private byte[] signedV2;
  private String wrongStudentDigest;
  private final KeyPair attackerKey = Ed25519Keys.generate();
  private ConsumerRecord<String, byte[]> registryEvent;
  private ConsumerRecord<String, byte[]> desiredRecordA;
  private ConsumerRecord<String, byte[]> desiredRecordB;
  private DesiredStateWatcher watcher;

  @BeforeAll
  void startFleet() throws Exception {
    started = System.nanoTime();
    fleet = new HostileFleet(KafkaTestBroker.shared());
    System.out.printf("hostile suite: fleet up after %.1f s%n", (System.nanoTime() - started) / 1e9);
    kafka = new PoisonRecords(fleet.kafka.bootstrapServers());
    startChildren();
    seed();
    System.out.printf("hostile suite: seeded after %.1f s%n", (System.nanoTime() - started) / 1e9);
    fingerprint = new StateFingerprint(fleet);
    fingerprint.add("device agent", agent::state);
  }

  @AfterAll
  void stopFleet() throws Exception {
    background.shutdownNow();
    if (fingerprint != null) {
      fingerprint.close();
    }
    if (agent != null) {
      agent.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    System.out.printf("hostile suite: %d cases passed %s in %.1f s%n", passed.values().stream().mapToInt(i -> i).sum(),
        passed, (System.nanoTime() - started) / 1e9);
  }

  @TestFactory
  Stream<DynamicTest> hostileInput() {
    List<Case> cases = new ArrayList<>();
    cases.addAll(authentication());
    cases.addAll(onnxUploads());
    cases.addAll(bundles());
    cases.addAll(datasets());
    cases.addAll(kafkaPoison());
    cases.addAll(sparql());
    cases.addAll(configuration());
    cases.add(new Case("logs", "no token, private key or database password in any log", this::scanLogs));
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.category() + ": " + c.name(), () -> run(c)));
  }

  private void run(Case c) throws Exception {
    Map<String, String> before = fingerprint.take();
    FollowUp followUp = c.attack().run();
    Map<String, String> after = fingerprint.take();
    assertThat(StateFingerprint.differences(before, after)).as("stored state changed by " + c.name()).isEmpty();
    if (followUp != null) {
      followUp.run();
    }
    passed.merge(c.category(), 1, Integer::sum);
  }

  // ---------------------------------------------------------------- set-up

  private void seed() throws Exception {
    nano = SyntheticStudents.nano(7);
    nanoDigest = register("student-nano", "student", "application/onnx", nano);
    register("student-small", "student", "application/onnx", SyntheticStudents.small(8));
    JsonNode a = enrol();
    deviceA = a.get("deviceId").asString();
    tokenA = a.get("token").asString();
    JsonNode b = enrol();
    deviceB = b.get("deviceId").asString();
    tokenB = b.get("token").asString();
    JsonNode revoked = enrol();
    revokedToken = revoked.get("token").asString();
    fleet.call(request(fleet.registry, "/api/v1/devices/" + revoked.get("deviceId").asString()).DELETE(), fleet.admin, 200, 204);

    String studentId = "student-nano:1";
    signedV1 = AgentUnderAttack.signed(AgentUnderAttack.bundle("fix", 1, studentId, nanoDigest, 64, 1), fleet.teacherKey.getPrivate());
    signedV2 = AgentUnderAttack.signed(AgentUnderAttack.bundle("fix", 2, studentId, nanoDigest, 64, 2), fleet.teacherKey.getPrivate());
    register("fix", "bundle", "application/vnd.driftline.bundle", signedV1);
    version("fix", upload("application/vnd.driftline.bundle", signedV2));
    register("bfix", "bundle", "application/vnd.driftline.bundle",
        AgentUnderAttack.signed(AgentUnderAttack.bundle("bfix", 1, studentId, nanoDigest, 64, 3), fleet.teacherKey.getPrivate()));
    register("wfix", "bundle", "application/vnd.driftline.bundle", AgentUnderAttack.signed(
        AgentUnderAttack.bundle("wfix", 1, "student-small:1", "0".repeat(64), 128, 4), fleet.teacherKey.getPrivate()));
    fleet.call(json(fleet.registry, "/api/v1/models/wfix/aliases/prod", "PUT", Map.of("version", 1)), fleet.operator, 200);
    wrongStudentDigest = fleet.call(request(fleet.registry, "/api/v1/models/wfix/versions/1").GET(), fleet.viewer, 200)
        .get("signedDigest").asString();

    JsonNode key = fleet.call(request(fleet.registry, "/api/v1/signing-key").GET(), fleet.viewer, 200);
    agent = new AgentUnderAttack(deviceA, tokenA, nano, Ed25519Keys.parsePublicKey(key.get("pem").asString()),
        fleet.registry.url(), fleet.dir.resolve("agent"));
    desiredV1 = desire(deviceA, "fix:1");
    assertThat(agent.apply(desiredV1)).isEqualTo(UpdateOutcome.APPLIED);
    desiredV2 = desire(deviceA, "fix:2");
    assertThat(agent.apply(desiredV2)).isEqualTo(UpdateOutcome.APPLIED);
    bDigest = desire(deviceB, "bfix:1").artefactDigest();
    signedV1 = download(desiredV1.artefactUrl());
    signedV2 = download(desiredV2.artefactUrl());

    // one window of A's telemetry stored, so telemetry reads have something to refuse
    RecordMetadata window = send(fleet.telemetry, deviceA, telemetryWindow(deviceA, 0));
    kafka.awaitConsumedPast(fleet.registryTelemetryGroup, window);
    settle();
    registryEvent = firstRecord(fleet.registryEvents, r -> r.key().equals("student-nano"));
    // the genuine desired-state records, then the agent's own watcher on the topic
    desiredRecordA = firstRecord(fleet.desiredState, r -> r.key().equals(deviceA)
        && desiredState(r).generation() == desiredV2.generation());
    desiredRecordB = firstRecord(fleet.desiredState, r -> r.key().equals(deviceB));
    watcher = agent.watch(fleet.kafka.bootstrapServers(), fleet.desiredState);
  }

  private DesiredState desiredState(ConsumerRecord<String, byte[]> r) {
    return new EventDeserializer<>(DesiredState.class).deserialize(r.topic(), r.headers(), r.value());
  }

  private byte[] download(String url) throws Exception {
    HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(request(fleet.registry, url)
        .header("Authorization", "Bearer " + fleet.viewer).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Waits until the registry has published its outbox and the catalog and the teacher have read everything. */
  private void settle() throws Exception {
    Awaitility.await("registry outbox published").atMost(PoisonRecords.WAIT).until(() -> {
      try (var c = fleet.registryDb.connect(); var s = c.createStatement();
          var r = s.executeQuery("select count(*) from registry.outbox where published_at is null")) {
        r.next();
        return r.getLong(1) == 0;
      }
    });
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", fleet.kafka.bootstrapServers()))) {
      Awaitility.await("catalog caught up").atMost(PoisonRecords.WAIT).until(() -> {
        var ends = admin.listOffsets(Map.of(new TopicPartition(fleet.registryEvents, 0),
            org.apache.kafka.clients.admin.OffsetSpec.latest(), new TopicPartition(fleet.registryEvents, 1),
            org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get();
        var committed = admin.listConsumerGroupOffsets(fleet.catalogGroup).partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
            || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
      });
    }
  }

  private ConsumerRecord<String, byte[]> firstRecord(String topic, java.util.function.Predicate<ConsumerRecord<String, byte[]>> match) {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", fleet.kafka.bootstrapServers(),
        "enable.auto.commit", false), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.nanoTime() + PoisonRecords.WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(java.time.Duration.ofMillis(200))) {
          if (r.key() != null && r.value() != null && match.test(r)) {
            return r;
          }
        }
      }
    }
    throw new AssertionError("no such record on " + topic);
  }

  private String register(String name, String kind, String mediaType, byte[] bytes) throws Exception {
    fleet.call(json(fleet.registry, "/api/v1/models", "POST", Map.of("name", name, "kind", kind)), fleet.operator, 201);
    String digest = upload(mediaType, bytes);
    version(name, digest);
    return digest;
  }

  private String upload(String mediaType, byte[] bytes) throws Exception {
    return fleet.call(request(fleet.registry, "/api/v1/artefacts").header("Content-Type", mediaType)
        .POST(BodyPublishers.ofByteArray(bytes)), fleet.operator, 200, 201).get("digest").asString();
  }

  private void version(String model, String digest) throws Exception {
    fleet.call(json(fleet.registry, "/api/v1/models/" + model + "/versions", "POST", Map.of("digest", digest)),
        fleet.operator, 201);
  }

  private JsonNode enrol() throws Exception {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("deviceClass", "mcu");
    d.put("student", "student-nano:1");
    d.put("precisions", List.of("INT8", "FP32"));
    d.put("ramBytes", 1 << 20);
    d.put("flashBytes", 4 << 20);
    d.put("macsPerSecond", 50_000_000);
    d.put("sensors", List.of(Map.of("id", "cam", "kind", "camera", "width", 28, "height", 28, "channels", 1)));
    d.put("labels", Map.of("domain", "street"));
    return fleet.call(json(fleet.registry, "/api/v1/devices", "POST", d), fleet.operator, 201);
  }

  private DesiredState desire(String device, String bundle) throws Exception {
    fleet.call(json(fleet.registry, "/api/v1/devices/" + device + "/desired-state", "PUT", Map.of("bundle", bundle)),
        fleet.operator, 200, 201);
    return AgentUnderAttack.desiredState(fleet.call(request(fleet.registry, "/api/v1/devices/" + device + "/desired-state")
        .GET(), fleet.viewer, 200));
  }

  // ---------------------------------------------------------------- helpers

  private HttpResponse<String> http(HttpRequest.Builder request, @Nullable String token) throws Exception {
    return fleet.send(token == null ? request : request.header("Authorization", "Bearer " + token));
  }

  /** Asserts a problem+json answer with {@code status} whose detail contains every one of {@code words}. */
  private static void problem(HttpResponse<String> r, int status, String... words) {
    assertThat(r.statusCode()).as("status of %s %s: %s", r.request().method(), r.uri(), r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as("content type of %s", r.body())
        .startsWith("application/problem+json");
    String detail = JSON.readTree(r.body()).path("detail").asString("");
    assertThat(detail).as("detail of %s", r.body()).isNotBlank();
    for (String w : words) {
      assertThat(detail).as("detail of %s", r.body()).containsIgnoringCase(w);
    }
  }

  private Attack refused(HttpRequest.Builder request, @Nullable String token, int status, String... words) {
    return () -> {
      problem(http(request, token), status, words);
      return null;
    };
  }

  private RecordMetadata send(String topic, String key, DriftlineEvent event) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    byte[] value = new EventSerializer<>().serialize(topic, headers, event);
    return kafka.send(topic, key, value, headers);
  }

  // ---------------------------------------------------------------- authentication and roles

  private List<Case> authentication() {
    String c = "auth";
    return List.of(
        new Case(c, "registry write without a token is 401", () -> refused(
            json(fleet.registry, "/api/v1/models", "POST", Map.of("name", "intruder", "kind", "student")), null, 401).run()),
        new Case(c, "malformed Authorization header (Basic instead of Bearer) is 401", () -> {
          problem(fleet.send(json(fleet.registry, "/api/v1/models", "POST", Map.of("name", "intruder", "kind", "student"))
              .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes()))), 401);
          return null;
        }),
        new Case(c, "Bearer without a token is 401", () -> {
          problem(fleet.send(json(fleet.registry, "/api/v1/models", "POST", Map.of("name", "intruder", "kind", "student"))
              .header("Authorization", "Bearer ")), 401);
          return null;
        }),
        new Case(c, "unknown token is 401", () -> refused(
            json(fleet.registry, "/api/v1/models", "POST", Map.of("name", "intruder", "kind", "student")),
            fleet.marker + "-wrong-token", 401).run()),
        new Case(c, "revoked device token reading its desired state is 401", () -> refused(
            request(fleet.registry, "/api/v1/devices/" + deviceA + "/desired-state").GET(), revokedToken, 401).run()),
        new Case(c, "viewer registering a model is 403", () -> refused(
            json(fleet.registry, "/api/v1/models", "POST", Map.of("name", "intruder", "kind", "student")), fleet.viewer, 403).run()),
        new Case(c, "viewer moving an alias is 403", () -> refused(
            json(fleet.registry, "/api/v1/models/fix/aliases/prod", "PUT", Map.of("version", 1)), fleet.viewer, 403).run()),
        new Case(c, "operator revoking a device (admin) is 403", () -> refused(
            request(fleet.registry, "/api/v1/devices/" + deviceB).DELETE(), fleet.operator, 403).run()),
        new Case(c, "operator reading the audit log (admin) is 403", () -> refused(
            request(fleet.registry, "/api/v1/audit").GET(), fleet.operator, 403).run()),
        new Case(c, "device token reading another device's desired state is 403", () -> refused(
            request(fleet.registry, "/api/v1/devices/" + deviceB + "/desired-state").GET(), tokenA, 403).run()),
        new Case(c, "device token downloading another device's bundle is 403", () -> refused(
            request(fleet.registry, "/api/v1/artefacts/" + bDigest).GET(), tokenA, 403).run()),
        new Case(c, "device token reading another device's telemetry is 403", () -> refused(
            request(fleet.registry, "/api/v1/devices/" + deviceA + "/telemetry").GET(), tokenB, 403).run()),
        new Case(c, "device token reporting another device's state is 403", () -> refused(
            json(fleet.registry, "/api/v1/devices/" + deviceB + "/reported-state", "PUT",
                Map.of("activeBundle", "fix:2", "health", Map.of())), tokenA, 403).run()),
        new Case(c, "device token on the admin API (audit log) is 403", () -> refused(
            request(fleet.registry, "/api/v1/audit").GET(), tokenA, 403).run()),
        new Case(c, "device token enrolling a device is 403", () -> refused(
            json(fleet.registry, "/api/v1/devices", "POST", Map.of("deviceClass", "mcu")), tokenA, 403).run()),
        new Case(c, "teacher API without a token is 401", () -> refused(
            request(fleet.teacher, "/api/v1/jobs").GET(), null, 401).run()),
        new Case(c, "teacher viewer token queueing a job is 403", () -> refused(
            json(fleet.teacher, "/api/v1/jobs", "POST", Map.of("deviceIds", List.of(deviceA))), fleet.teacherViewer, 403).run()),
        new Case(c, "registry token on the teacher API is 401", () -> refused(
            request(fleet.teacher, "/api/v1/jobs").GET(), fleet.admin, 401).run()),
        new Case(c, "console proxy: viewer posting a teacher job is 403", () -> refused(
            json(fleet.registry, "/console/api/teacher/jobs", "POST", Map.of("deviceIds", List.of(deviceA))), fleet.viewer, 403).run()),
        new Case(c, "console proxy: device token reading teacher jobs is 403", () -> refused(
            request(fleet.registry, "/console/api/teacher/jobs").GET(), tokenA, 403).run()));
  }

  // ---------------------------------------------------------------- ONNX uploads

  private List<Case> onnxUploads() {
    String c = "onnx";
    return List.of(
        new Case(c, "malformed bytes as a student are 422", () -> refused(onnx("this is not an ONNX model".getBytes()),
            fleet.operator, 422).run()),
        new Case(c, "truncated student model is 422", () -> refused(onnx(Arrays.copyOf(nano, nano.length / 2)),
            fleet.operator, 422).run()),
        new Case(c, "oversized upload (over the 1 MB limit) is 413", () -> {
          byte[] big = Arrays.copyOf(nano, 1_500_000);
          problem(http(onnx(big), fleet.operator), 413);
          return null;
        }),
        new Case(c, "model whose input is not an image (rank 2) is 422", () -> refused(onnx(flatInputModel()),
            fleet.operator, 422).run()),
        new Case(c, "valid ONNX without the student outputs is 422", () -> refused(onnx(identityModel()),
            fleet.operator, 422).run()),
        new Case(c, "unknown media type is 415", () -> refused(request(fleet.registry, "/api/v1/artefacts")
            .header("Content-Type", "text/plain").POST(BodyPublishers.ofByteArray(nano)), fleet.operator, 415).run()),
        new Case(c, "version naming a digest that was never uploaded is 404", () -> {
          String digest = nanoDigest.substring(0, 63) + (nanoDigest.endsWith("0") ? "1" : "0");
          problem(http(json(fleet.registry, "/api/v1/models/student-nano/versions", "POST", Map.of("digest", digest)),
              fleet.operator), 404);
          return null;
        }));
  }

  private HttpRequest.Builder onnx(byte[] bytes) {
    return request(fleet.registry, "/api/v1/artefacts").header("Content-Type", "application/onnx")
        .POST(BodyPublishers.ofByteArray(bytes));
  }

  private static OnnxMl.TypeProto floatTensor(long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
  }

  private static byte[] model(OnnxMl.GraphProto graph) {
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build().toByteArray();
  }

  /** A graph with the student's output names whose input is a flat vector, not an image. */
  private static byte[] flatInputModel() {
    return model(OnnxMl.GraphProto.newBuilder().setName("flat")
        .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("input").setType(floatTensor(1, 784)))
        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("features").setType(floatTensor(1, 784)))
        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("logits").setType(floatTensor(1, 784)))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("input").addOutput("features"))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("input").addOutput("logits"))
        .build());
  }

  private static byte[] identityModel() {
    return model(OnnxMl.GraphProto.newBuilder().setName("identity")
        .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(floatTensor(1, 1, 28, 28)))
        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(floatTensor(1, 1, 28, 28)))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
        .build());
  }

  // ---------------------------------------------------------------- bundles

  private List<Case> bundles() {
    String c = "bundle";
    return List.of(
        new Case(c, "registry: upload with one tampered byte is 422", () -> {
          byte[] tampered = signedV2.clone();
          tampered[BundleCodec.HEADER_BYTES + 20] ^= 1;
          problem(http(bundleUpload(tampered), fleet.operator), 422);
          return null;
        }),
        new Case(c, "registry: upload signed by an untrusted key is 422", () -> refused(bundleUpload(AgentUnderAttack.signed(
            AgentUnderAttack.bundle("fix", 3, "student-nano:1", nanoDigest, 64, 5), attackerKey.getPrivate())),
            fleet.operator, 422).run()),
        new Case(c, "registry: desired state with a bundle for another student is refused", () -> {
          HttpResponse<String> r = http(json(fleet.registry, "/api/v1/devices/" + deviceA + "/desired-state", "PUT",
              Map.of("bundle", "wfix:1")), fleet.operator);
          problem(r, 422, "student");
          return null;
        }),
        new Case(c, "registry: a bundle registered as a student version is 422", () -> refused(
            json(fleet.registry, "/api/v1/models/student-nano/versions", "POST", Map.of("digest", desiredV2.artefactDigest())),
            fleet.operator, 422).run()),
        new Case(c, "agent: bytes altered in transit (digest mismatch) are rejected", () -> {
          DesiredState next = nextAnnouncement(3, BundleCodec.digest(signedV2), "/forged/altered");
          byte[] altered = signedV2.clone();
          altered[BundleCodec.HEADER_BYTES + 20] ^= 1;
          agent.serve(next.artefactUrl(), altered);
          assertThat(agent.apply(next)).isEqualTo(UpdateOutcome.REJECTED_DIGEST);
          return null;
        }),
        new Case(c, "agent: tampered bundle announced with its own digest fails the signature", () -> {
          byte[] altered = signedV2.clone();
          altered[BundleCodec.HEADER_BYTES + 20] ^= 1;
          DesiredState next = nextAnnouncement(3, BundleCodec.digest(altered), "/forged/tampered");
          agent.serve(next.artefactUrl(), altered);
          assertThat(agent.apply(next)).isEqualTo(UpdateOutcome.REJECTED_SIGNATURE);
          return null;
        }),
        new Case(c, "agent: bundle signed by an untrusted key (announced with the registry's key id) is rejected", () -> {
          byte[] forged = AgentUnderAttack.signed(AgentUnderAttack.bundle("fix", 3, "student-nano:1", nanoDigest, 64, 6),
              attackerKey.getPrivate());
          DesiredState next = nextAnnouncement(3, BundleCodec.digest(forged), "/forged/untrusted");
          agent.serve(next.artefactUrl(), forged);
          assertThat(agent.apply(next)).isEqualTo(UpdateOutcome.REJECTED_SIGNATURE);
          return null;
        }),
        new Case(c, "agent: announcement naming another signing key is rejected before download", () -> {
          DesiredState genuine = nextAnnouncement(3, BundleCodec.digest(signedV2), "/forged/other-key");
          DesiredState next = AgentUnderAttack.forge(genuine, genuine.bundle(), genuine.artefactDigest(),
              genuine.artefactUrl(), AgentUnderAttack.keyId(attackerKey.getPublic()), genuine.generation());
          assertThat(agent.apply(next)).isEqualTo(UpdateOutcome.REJECTED_KEY);
          return null;
        }),
        new Case(c, "agent: replayed old bundle (v1, genuine and signed) under a new generation is rejected", () -> {
          DesiredState replay = AgentUnderAttack.forge(desiredV1, desiredV1.bundle(), desiredV1.artefactDigest(),
              desiredV1.artefactUrl(), desiredV1.signatureKeyId(), nextGeneration());
          assertThat(agent.apply(replay)).isEqualTo(UpdateOutcome.REJECTED_ROLLBACK);
          return null;
        }),
        new Case(c, "agent: announced as v3 but the content is the signed v1 (version rolled back) is rejected", () -> {
          DesiredState next = nextAnnouncement(3, BundleCodec.digest(signedV1), "/forged/rolled-back");
          agent.serve(next.artefactUrl(), signedV1);
          assertThat(agent.apply(next)).isEqualTo(UpdateOutcome.REJECTED_CONTENT);
          return null;
        }),
        new Case(c, "agent: registry-signed bundle for another student is rejected", () -> {
          DesiredState next = AgentUnderAttack.forge(desiredV2, new BundleRef("wfix", 1), wrongStudentDigest,
              "/api/v1/artefacts/" + wrongStudentDigest, desiredV2.signatureKeyId(), nextGeneration());
          agent.serve(next.artefactUrl(), download(next.artefactUrl()));
          assertThat(agent.apply(next)).isIn(UpdateOutcome.REJECTED_CONTENT, UpdateOutcome.REJECTED_ROLLBACK);
          return null;
        }));
  }

  private HttpRequest.Builder bundleUpload(byte[] bytes) {
    return request(fleet.registry, "/api/v1/artefacts").header("Content-Type", "application/vnd.driftline.bundle")
        .POST(BodyPublishers.ofByteArray(bytes));
  }

  /** A forged announcement of fix:{@code version} (a fresh generation) served from {@code url}. */
  private DesiredState nextAnnouncement(long version, String digest, String url) {
    return AgentUnderAttack.forge(desiredV2, new BundleRef("fix", version), digest, url + "/" + UUID.randomUUID(),
        desiredV2.signatureKeyId(), nextGeneration());
  }

  /**
   * A generation above every one the agent has seen: the agent does not look at a generation again
   * once it has rejected it, so each forged announcement needs its own to be checked at all.
   */
  private long nextGeneration() {
    return desiredV2.generation() + 100 + forgedGenerations++;
  }

  private long forgedGenerations;

  // ---------------------------------------------------------------- datasets

  private List<Case> datasets() {
    String c = "dataset";
    return List.of(
        new Case(c, "IDX images with a truncated header", () -> datasetRefused("idx-truncated-header", "train-images")),
        new Case(c, "IDX images with a truncated body", () -> datasetRefused("idx-truncated-body", "train-images")),
        new Case(c, "IDX labels with a wrong magic number", () -> datasetRefused("idx-wrong-magic", "magic")),
        new Case(c, "image folder with a corrupt PNG", () -> datasetRefused("folder-corrupt-png", "broken.png")));
  }

  private @Nullable FollowUp datasetRefused(String name, String mentioned) throws Exception {
    ChildJvm run = children.get("dataset " + name).get();
    assertThat(run.exitCode()).as("exit code; log %s", run.log()).isNotZero();
    assertThat(run.lastLine()).as("last line of %s", run.log()).startsWith("bootstrap-models: ").containsIgnoringCase(mentioned);
    Path out = fleet.dir.resolve("datasets/" + name + "/out");
    assertThat(StateFingerprint.folder(out)).as("output folder").isIn("absent", "\n");
    return null;
  }

  /** Writes the corrupt datasets and starts the bootstrap tool on each, in the background. */
  private void startDatasetRuns() throws Exception {
    Path root = fleet.dir.resolve("datasets");
    for (String name : List.of("idx-truncated-header", "idx-truncated-body", "idx-wrong-magic")) {
      Path d = Files.createDirectories(root.resolve(name + "/data"));
      for (String split : List.of("train", "t10k")) {
        int n = split.equals("train") ? 40 : 20;
        byte[] images = idx(0x00000803, new int[] {n, 28, 28}, new byte[n * 28 * 28]);
        byte[] labels = idx(0x00000801, new int[] {n}, new byte[n]);
        if (split.equals("train") && name.equals("idx-truncated-header")) {
          images = Arrays.copyOf(images, 10);
        }
        if (split.equals("train") && name.equals("idx-truncated-body")) {
          images = Arrays.copyOf(images, images.length - 500);
        }
        if (split.equals("train") && name.equals("idx-wrong-magic")) {
          labels[2] = 0x0d;
        }
        Files.write(d.resolve(split + "-images-idx3-ubyte"), images);
        Files.write(d.resolve(split + "-labels-idx1-ubyte"), labels);
      }
      bootstrap(name, List.of("--idx", d.toString()));
    }
    Path train = Files.createDirectories(root.resolve("folder-corrupt-png/train"));
    Path test = Files.createDirectories(root.resolve("folder-corrupt-png/test"));
    for (Path split : List.of(train, test)) {
      for (String cls : List.of("a", "b")) {
        Path folder = Files.createDirectories(split.resolve(cls));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 3; i++) {
          javax.imageio.ImageIO.write(img, "png", folder.resolve("ok-" + i + ".png").toFile());
        }
      }
    }
    byte[] png = Files.readAllBytes(train.resolve("a/ok-0.png"));
    Files.write(train.resolve("b/broken.png"), Arrays.copyOf(png, png.length / 2));
    bootstrap("folder-corrupt-png", List.of("--train-folder", train.toString(), "--test-folder", test.toString()));
  }

  private void bootstrap(String name, List<String> dataArgs) {
    Path dir = fleet.dir.resolve("datasets/" + name);
    List<String> args = new ArrayList<>(List.of("--quick", "--models", "student-nano", "--threads", "1", "--out",
        dir.resolve("out").toString()));
    args.addAll(dataArgs);
    children.put("dataset " + name, CompletableFuture.supplyAsync(() -> {
      try {
        return ChildJvm.tool("cloud-teacher", "io.driftline.teacher.bootstrap.BootstrapModels", args, dir.resolve("bootstrap.log"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, background));
  }

  private static byte[] idx(int magic, int[] dims, byte[] body) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  // ---------------------------------------------------------------- Kafka poison records

  /** One consuming service of a topic: its consumer group. */
  private record Consumer(String service, String group) {}

  private List<Case> kafkaPoison() {
    List<Case> out = new ArrayList<>();
    List<Consumer> telemetryConsumers = List.of(new Consumer("registry", fleet.registryTelemetryGroup),
        new Consumer("drift-detector", fleet.driftApplication));
    List<Consumer> incidentConsumers = List.of(new Consumer("teacher", fleet.teacherGroup),
        new Consumer("drift-detector", fleet.driftApplication));
    List<Consumer> sampleConsumers = List.of(new Consumer("teacher", fleet.teacherGroup));
    List<Consumer> eventConsumers = List.of(new Consumer("catalog", fleet.catalogGroup));

    // device.samples (binary)
    out.add(poison("device.samples: not the binary format", fleet.samples, sampleConsumers,
        () -> raw(fleet.samples, deviceA, "{\"not\":\"a sample\"}".getBytes(), sampleHeaders()), this::goodSample, "magic"));
    out.add(poison("device.samples: a telemetry window (wrong schema)", fleet.samples, sampleConsumers,
        () -> raw(fleet.samples, deviceA, telemetryJson(deviceA), sampleHeaders()), this::goodSample, "magic"));
    out.add(poison("device.samples: truncated sample", fleet.samples, sampleConsumers, () -> {
      byte[] good = sampleBytes(deviceA, 1);
      return raw(fleet.samples, deviceA, Arrays.copyOf(good, good.length - 300), sampleHeaders());
    }, this::goodSample, "truncated"));
    out.add(poison("device.samples: ce_type header of a telemetry window", fleet.samples, sampleConsumers,
        () -> raw(fleet.samples, deviceA, sampleBytes(deviceA, 1), telemetryHeaders(deviceA)), this::goodSample, "ce_type"));
    out.add(poison("device.samples: oversized sample (2x28x28 pixels over the 1000-byte limit)", fleet.samples,
        sampleConsumers, () -> send(fleet.samples, deviceA, sample(deviceA, 2)), this::goodSample, "max-pixel-bytes"));
    out.add(poison("device.samples: key of another device", fleet.samples, sampleConsumers,
        () -> send(fleet.samples, deviceB, sample(deviceA, 1)), this::goodSample, "key"));
    out.add(poison("device.samples: tombstone (null value)", fleet.samples, sampleConsumers,
        () -> raw(fleet.samples, deviceA, null, sampleHeaders()), this::goodSample, "tombstone"));

    // device.telemetry (JSON)
    out.add(poison("device.telemetry: not JSON", fleet.telemetry, telemetryConsumers,
        () -> raw(fleet.telemetry, deviceA, "\u0000\u0001 not json".getBytes(), telemetryHeaders(deviceA)), this::goodWindow, ""));
    out.add(poison("device.telemetry: JSON of the wrong schema", fleet.telemetry, telemetryConsumers,
        () -> raw(fleet.telemetry, deviceA, ("{\"deviceId\":\"" + deviceA + "\",\"windowSeq\":\"soon\"}").getBytes(),
            telemetryHeaders(deviceA)), this::goodWindow, ""));
    out.add(poison("device.telemetry: ce_type header of a sample", fleet.telemetry, telemetryConsumers,
        () -> raw(fleet.telemetry, deviceA, telemetryJson(deviceA), sampleHeaders()), this::goodWindow, "ce_type"));
    out.add(poison("device.telemetry: oversized (a 300,000-character device id)", fleet.telemetry, telemetryConsumers,
        () -> raw(fleet.telemetry, deviceA, new String(telemetryJson(deviceA), StandardCharsets.UTF_8)
            .replace(deviceA, "d".repeat(300_000)).getBytes(StandardCharsets.UTF_8), telemetryHeaders(deviceA)),
        this::goodWindow, "256"));
    out.add(poison("device.telemetry: key of another device", fleet.telemetry, telemetryConsumers,
        () -> raw(fleet.telemetry, deviceB, telemetryJson(deviceA), telemetryHeaders(deviceA)), this::goodWindow, "key"));

    // drift.incidents (JSON)
    out.add(poison("drift.incidents: not JSON", fleet.incidents, incidentConsumers,
        () -> raw(fleet.incidents, deviceA, "<incident/>".getBytes(), incidentHeaders()), this::goodIncident, ""));
    out.add(poison("drift.incidents: JSON of the wrong schema (unknown state)", fleet.incidents, incidentConsumers,
        () -> raw(fleet.incidents, deviceA, incidentJson(deviceA).replace("\"RECOVERED\"", "\"EXPLODED\"").getBytes(),
            incidentHeaders()), this::goodIncident, ""));
    out.add(poison("drift.incidents: ce_type header of a telemetry window", fleet.incidents, incidentConsumers,
        () -> raw(fleet.incidents, deviceA, incidentJson(deviceA).getBytes(), telemetryHeaders(deviceA)), this::goodIncident,
        "ce_type"));
    out.add(poison("drift.incidents: oversized (a 300,000-character device id)", fleet.incidents, incidentConsumers,
        () -> raw(fleet.incidents, deviceA, incidentJson(deviceA).replace(deviceA, "d".repeat(300_000)).getBytes(),
            incidentHeaders()),
        this::goodIncident, "256"));
    out.add(poison("drift.incidents: key of another device", fleet.incidents, incidentConsumers,
        () -> raw(fleet.incidents, deviceB, incidentJson(deviceA).getBytes(), incidentHeaders()), this::goodIncident, "key"));

    // registry.events (JSON)
    out.add(poison("registry.events: not JSON", fleet.registryEvents, eventConsumers,
        () -> raw(fleet.registryEvents, registryEvent.key(), "not json".getBytes(),
            PoisonRecords.headers(registryEvent.headers(), null)), this::goodRegistryEvent, ""));
    out.add(poison("registry.events: JSON of the wrong schema", fleet.registryEvents, eventConsumers,
        () -> raw(fleet.registryEvents, registryEvent.key(), "{\"type\":42,\"payload\":[]}".getBytes(),
            PoisonRecords.headers(registryEvent.headers(), null)), this::goodRegistryEvent, ""));
    out.add(poison("registry.events: ce_type header of a drift incident", fleet.registryEvents, eventConsumers,
        () -> raw(fleet.registryEvents, registryEvent.key(), registryEvent.value(), incidentHeaders()),
        this::goodRegistryEvent, "ce_type"));
    out.add(poison("registry.events: oversized (a 300,000-character entity id)", fleet.registryEvents, eventConsumers,
        () -> raw(fleet.registryEvents, registryEvent.key(), oversizedRegistryEvent(),
            PoisonRecords.headers(registryEvent.headers(), null)), this::goodRegistryEvent, "256"));

    // fleet.desired-state (JSON), read only by device agents: the agent's watcher skips and counts
    String desiredJson = new String(desiredRecordA.value(), StandardCharsets.UTF_8);
    Headers desiredHeaders = PoisonRecords.headers(desiredRecordA.headers(), null);
    out.add(poisonDesired("fleet.desired-state: not JSON", "not json".getBytes(), desiredHeaders, true));
    out.add(poisonDesired("fleet.desired-state: JSON of the wrong schema",
        ("{\"deviceId\":\"" + deviceA + "\",\"generation\":\"soon\"}").getBytes(), desiredHeaders, true));
    out.add(poisonDesired("fleet.desired-state: ce_type header of a telemetry window", desiredRecordA.value(),
        telemetryHeaders(deviceA), true));
    out.add(poisonDesired("fleet.desired-state: oversized (a 300,000-character device id)",
        desiredJson.replace(deviceA, "d".repeat(300_000)).getBytes(StandardCharsets.UTF_8), desiredHeaders, true));
    out.add(poisonDesired("fleet.desired-state: another device's desired state under this device's key",
        desiredRecordB.value(), PoisonRecords.headers(desiredRecordB.headers(), null), true));
    out.add(poisonDesired("fleet.desired-state: tombstone (revocation) keeps the active bundle", null, desiredHeaders,
        false));
    return out;
  }

  /**
   * A poison case on {@code fleet.desired-state}: a record under the agent's key, in its partition.
   * The agent's watcher must read past it without applying anything and count it as skipped
   * ({@code counted}; a tombstone is a revocation, logged, not counted), then take the genuine
   * desired state sent after it (already active: nothing changes).
   */
  private Case poisonDesired(String name, byte @Nullable [] value, Headers headers, boolean counted) {
    return new Case("kafka", name, () -> {
      long skipped = watcher.skipped();
      long active = agent.activeVersion();
      RecordMetadata sent = sendDesired(value, headers);
      Awaitility.await("watcher past the poison").atMost(PoisonRecords.WAIT)
          .until(() -> watcher.position() > sent.offset());
      assertThat(watcher.skipped()).as("skipped records").isEqualTo(skipped + (counted ? 1 : 0));
      return () -> {
        long read = watcher.read();
        RecordMetadata next = sendDesired(desiredRecordA.value(), PoisonRecords.headers(desiredRecordA.headers(), null));
        Awaitility.await("watcher read the genuine record").atMost(PoisonRecords.WAIT)
            .until(() -> watcher.position() > next.offset());
        assertThat(watcher.read()).as("desired states read").isEqualTo(read + 1);
        assertThat(agent.activeVersion()).isEqualTo(active);
      };
    });
  }

  private RecordMetadata sendDesired(byte @Nullable [] value, Headers headers) throws Exception {
    int partition = DesiredStateWatcher.partitionOf(deviceA, 2);
    fingerprint.wroteDesiredState(partition);
    return kafka.send(fleet.desiredState, partition, deviceA, value, headers);
  }

  /** A poison case: the record must be dead-lettered by every consumer, then a good record after it consumed by all. */
  private Case poison(String name, String topic, List<Consumer> consumers, Producing poison, Producing good, String reasonWord) {
    return new Case("kafka", name, () -> {
      RecordMetadata sent = poison.send();
      List<String> reasons = kafka.awaitDeadLetters(sent, consumers.size());
      for (String reason : reasons) {
        assertThat(reason).as("dead-letter reason").isNotBlank().doesNotContain("(no ").containsIgnoringCase(reasonWord)
            .doesNotContain("\n");
      }
      return () -> {
        RecordMetadata next = good.send();
        for (Consumer c : consumers) {
          kafka.awaitConsumedPast(c.group(), next);
        }
      };
    });
  }

  @FunctionalInterface
  private interface Producing {
    RecordMetadata send() throws Exception;
  }

  private RecordMetadata raw(String topic, String key, byte @Nullable [] value, Headers headers) throws Exception {
    return kafka.send(topic, key, value, headers);
  }

  private DeviceSample sample(String device, int channels) {
    return DeviceSample.builder().setEventId(UUID.randomUUID().toString()).setDeviceId(device)
        .setStudentModelId("student-nano:1").setWindowSeq(1).setFrameIndex(0).setCapturedAt(Instant.now())
        .setUncertainty(0.8f).setOodScore(0.5f).setPredictedClass(0)
        .setImage(Image.zeros(channels, 28, 28)).build();
  }

  private byte[] sampleBytes(String device, int channels) {
    return new EventSerializer<>().serialize(fleet.samples, new RecordHeaders(), sample(device, channels));
  }

  private Headers sampleHeaders() {
    RecordHeaders h = new RecordHeaders();
    new EventSerializer<>().serialize(fleet.samples, h, sample(deviceA, 1));
    return h;
  }

  private RecordMetadata goodSample() throws Exception {
    DeviceSample s = sample(deviceA, 1);
    RecordMetadata m = send(fleet.samples, deviceA, s);
    Awaitility.await("sample stored").atMost(PoisonRecords.WAIT).until(() -> {
      try (var c = fleet.teacherDb.connect(); var st = c.prepareStatement("select count(*) from teacher.samples where sample_id = ?")) {
        st.setString(1, s.eventId());
        try (var r = st.executeQuery()) {
          r.next();
          return r.getLong(1) == 1;
        }
      }
    });
    return m;
  }

  private long windowSeq = 1;

  private TelemetryWindow telemetryWindow(String device, long seq) {
    Instant now = Instant.now();
    return new TelemetryWindow(device, seq, now.minusSeconds(10), now, 100, new ScoreSummary(0.1, 0.05, 0.1, 0.2, 0.3),
        0.4, 0.9, 2, DropCounts.NONE, null, new int[] {100, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  }

  private byte[] telemetryJson(String device) {
    return new EventSerializer<>().serialize(fleet.telemetry, new RecordHeaders(), telemetryWindow(device, 999_999));
  }

  private Headers telemetryHeaders(String device) {
    RecordHeaders h = new RecordHeaders();
    new EventSerializer<>().serialize(fleet.telemetry, h, telemetryWindow(device, 999_999));
    return h;
  }

  private RecordMetadata goodWindow() throws Exception {
    return send(fleet.telemetry, deviceA, telemetryWindow(deviceA, windowSeq++));
  }

  private DriftIncident incident(String device) {
    Instant now = Instant.now();
    return new DriftIncident("inc-hostile-" + UUID.randomUUID(), device, DriftIncident.State.RECOVERED, "page-hinkley",
        "oodScore.mean", 1.0, now, now, 1, 2, null, null);
  }

  private String incidentJson(String device) {
    return new String(new EventSerializer<>().serialize(fleet.incidents, new RecordHeaders(), incident(device)),
        StandardCharsets.UTF_8);
  }

  private Headers incidentHeaders() {
    RecordHeaders h = new RecordHeaders();
    new EventSerializer<>().serialize(fleet.incidents, h, incident(deviceA));
    return h;
  }

  private RecordMetadata goodIncident() throws Exception {
    return send(fleet.incidents, deviceA, incident(deviceA));
  }

  private byte[] oversizedRegistryEvent() {
    ObjectNode event = (ObjectNode) JSON.readTree(registryEvent.value());
    event.put("entityId", "m".repeat(300_000));
    return JSON.writeValueAsBytes(event);
  }

  /** A genuine registry event sent again: a duplicate, which the catalog reads and drops. */
  private RecordMetadata goodRegistryEvent() throws Exception {
    return kafka.send(fleet.registryEvents, registryEvent.key(), registryEvent.value(),
        PoisonRecords.headers(registryEvent.headers(), null));
  }

  // ---------------------------------------------------------------- SPARQL

  private List<Case> sparql() {
    String c = "sparql";
    String cross = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o "
        + "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), STR(?o))) }";
    return List.of(
        new Case(c, "a query that would run for hours is cancelled at the timeout with 503", () -> {
          HttpResponse<String> r = http(sparqlGet(cross), null);
          problem(r, 503, "longer than");
          return null;
        }),
        new Case(c, "a huge result is capped at max-results", () -> {
          HttpResponse<String> r = http(sparqlGet("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }").header("Accept",
              "application/sparql-results+json"), null);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(r.headers().firstValue("Driftline-Result-Limit")).as("result limit header").isPresent();
          assertThat(JSON.readTree(r.body()).at("/results/bindings").size()).isEqualTo(100);
          return null;
        }),
        new Case(c, "INSERT DATA through the query parameter is 400 (read-only)", () -> {
          problem(http(sparqlGet("INSERT DATA { <urn:x> <urn:y> <urn:z> }"), null), 400, "read-only");
          return null;
        }),
        new Case(c, "DROP ALL as a sparql-query body is 400 (read-only)", () -> {
          problem(http(request(fleet.catalog, "/sparql").header("Content-Type", "application/sparql-query")
              .POST(BodyPublishers.ofString("DROP ALL")), null), 400, "read-only");
          return null;
        }),
        new Case(c, "a query followed by an update is 400", () -> {
          problem(http(request(fleet.catalog, "/sparql").header("Content-Type", "application/x-www-form-urlencoded")
              .POST(BodyPublishers.ofString("query=" + URLEncoder.encode("SELECT * WHERE { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }",
                  StandardCharsets.UTF_8))), null), 400);
          return null;
        }),
        new Case(c, "SERVICE (a federated call to another endpoint) is 400", () -> {
          problem(http(sparqlGet("SELECT * WHERE { SERVICE <http://127.0.0.1:" + fleet.registryPort + "/x> { ?s ?p ?o } }"), null),
              400, "SERVICE");
          return null;
        }),
        new Case(c, "injection through a bound $parameter finds nothing", () -> {
          HttpResponse<String> r = http(request(fleet.catalog, "/sparql?query=" + enc("PREFIX dl: <https://driftline.io/ns#> "
              + "SELECT ?d WHERE { ?d dl:deviceClass ?cls }") + "&%24cls=" + enc("mcu\" } UNION { ?d ?p ?o } #"))
              .header("Accept", "application/sparql-results+json").GET(), null);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(JSON.readTree(r.body()).at("/results/bindings").size()).isZero();
          return null;
        }),
        new Case(c, "matchmaking: a device id with '> } ; DROP ALL #' is an unknown device (404)", () -> {
          problem(http(request(fleet.catalog, "/catalog/match/devices/" + enc("x> } ; DROP ALL ; #")).GET(), null), 404);
          return null;
        }),
        new Case(c, "matchmaking: an artefact id with a SPARQL update is refused", () -> {
          HttpResponse<String> r = http(request(fleet.catalog, "/catalog/match/artefacts/"
              + enc("fix> } ; DELETE WHERE { ?s ?p ?o } #:1") + "/devices").GET(), null);
          assertThat(r.statusCode()).as(r.body()).isIn(400, 404);
          problem(r, r.statusCode());
          return null;
        }),
        new Case(c, "device filter: a class with a quote and UNION finds nothing", () -> {
          HttpResponse<String> r = http(request(fleet.catalog, "/catalog/devices?class=" + enc("mcu\" } UNION { ?d ?p ?id } #"))
              .GET(), null);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(r.body()).doesNotContain(deviceA);
          return null;
        }));
  }

  private HttpRequest.Builder sparqlGet(String query) {
    return request(fleet.catalog, "/sparql?query=" + enc(query)).GET();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---------------------------------------------------------------- configuration

  private List<Case> configuration() {
    String c = "config";
    return List.of(
        new Case(c, "registry with a negative cache-ttl exits naming the property", () -> configRefused("registry-negative-ttl",
            "driftline.registry.security.cache-ttl")),
        new Case(c, "registry with a malformed console teacher URL exits naming the property", () -> configRefused(
            "registry-malformed-url", "driftline.registry.console.teacher-url")),
        new Case(c, "registry with an unknown token role exits naming the property", () -> configRefused(
            "registry-unknown-role", "driftline.registry.security.tokens[0].role")),
        new Case(c, "registry whose signing key file is not a key exits naming the property", () -> configRefused(
            "registry-bad-key-file", "driftline.registry.signing.key-file")),
        new Case(c, "teacher with a malformed registry URL exits naming the property", () -> configRefused(
            "teacher-malformed-url", "driftline.teacher.registry.url")),
        new Case(c, "teacher with a missing signing key folder it cannot create exits naming the property",
            () -> configRefused("teacher-missing-key", "driftline.teacher.signing.key-file")));
  }

  private void startConfigRuns() throws Exception {
    Path garbageKey = Files.writeString(fleet.dir.resolve("config/not-a-key.pem"), "this is not a PEM key\n");
    Path blocker = Files.writeString(fleet.dir.resolve("config/a-file"), "a file where a folder should be\n");
    config("registry-negative-ttl", "model-registry", fleet.registryArgs(List.of("--driftline.registry.security.cache-ttl=-10s")));
    config("registry-malformed-url", "model-registry", fleet.registryArgs(List.of(
        "--driftline.registry.console.teacher-url=http//teacher:not-a-port")));
    config("registry-unknown-role", "model-registry", fleet.registryArgs(List.of(
        "--driftline.registry.security.tokens[0].role=SUPERUSER")));
    config("registry-bad-key-file", "model-registry", fleet.registryArgs(List.of(
        "--driftline.registry.signing.key-file=" + garbageKey)));
    config("teacher-malformed-url", "cloud-teacher", fleet.teacherArgs(List.of(
        "--driftline.teacher.registry.url=localhost:8084/without-scheme")));
    config("teacher-missing-key", "cloud-teacher", fleet.teacherArgs(List.of(
        "--driftline.teacher.signing.key-file=" + blocker.resolve("key.pem"))));
  }

  private void config(String name, String module, List<String> args) {
    // a few connections at most: the shared PostgreSQL server has a connection limit
    List<String> small = new ArrayList<>(args.stream().map(a -> a.startsWith("--spring.datasource.hikari.maximum-pool-size=")
        ? "--spring.datasource.hikari.maximum-pool-size=2" : a).toList());
    children.put("config " + name, CompletableFuture.supplyAsync(() -> {
      try {
        return ChildJvm.service(module, small, fleet.dir.resolve("config/" + name + ".log"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, background));
  }

  private @Nullable FollowUp configRefused(String name, String property) throws Exception {
    ChildJvm run = children.get("config " + name).get();
    assertThat(run.exitCode()).as("exit code; log %s", run.log()).isNotZero();
    assertThat(run.lines()).as("a line naming %s in %s", property, run.log()).anyMatch(l -> l.contains(property));
    return null;
  }

  private void startChildren() throws Exception {
    Files.createDirectories(fleet.dir.resolve("config"));
    startDatasetRuns();
    startConfigRuns();
  }

  // ---------------------------------------------------------------- logs

  private @Nullable FollowUp scanLogs() throws Exception {
    for (CompletableFuture<ChildJvm> f : children.values()) {
      f.get();
    }
    List<String> secrets = new ArrayList<>(fleet.secrets());
    secrets.addAll(List.of(tokenA, tokenB, revokedToken, Ed25519Keys.toPem(attackerKey.getPrivate())
        .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "")));
    List<Path> logs = fleet.logs();
    assertThat(logs).as("logs of the suite").hasSizeGreaterThanOrEqualTo(4 + children.size());
    List<String> found = new ArrayList<>();
    for (Path log : logs) {
      String text = Files.readString(log, StandardCharsets.ISO_8859_1);
      for (String s : secrets) {
        if (text.contains(s)) {
          found.add(fleet.dir.relativize(log) + " contains " + (s.length() > 24 ? s.substring(0, 24) + "..." : s));
        }
      }
      if (text.contains("PRIVATE KEY")) {
        found.add(fleet.dir.relativize(log) + " contains a PEM private key");
      }
    }
    assertThat(found).as("secrets in logs").isEmpty();
    return null;
  }
}
