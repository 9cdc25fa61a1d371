package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.registry.security.TokenAuthenticator;
import io.driftline.testsupport.RealPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import static org.awaitility.Awaitility.await;

import io.driftline.core.events.DesiredState;
import io.driftline.core.events.EventDeserializer;
import io.driftline.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.annotation.Value;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Enrolment, device tokens, reported and desired state, rollouts to cohorts, rollback and audit. */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class DeviceRolloutTest extends RegistryTest {

  static final Path DATA = tempDataDir("devices");
  static final KeyPair TEACHER_KEY = Ed25519Keys.generate();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    register(registry, DeviceRolloutTest.class, DATA);
    registry.add("driftline.registry.signing.trusted-keys[0]", () -> Ed25519Keys.toPem(TEACHER_KEY.getPublic()));
  }

  @Autowired
  JdbcClient jdbc;

  private String student;
  private String bundle;

  /** A student with one version and a bundle model with two versions made for it, all new per test. */
  @BeforeEach
  void models() {
    String suffix = Long.toString(System.nanoTime());
    student = "student-" + suffix;
    bundle = "bundle-" + suffix;
    String onnx = api().upload(Api.OPERATOR, "application/onnx", SyntheticStudents.nano(11)).json().get("digest").asString();
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", student, "kind", "student"));
    api().post("/api/v1/models/" + student + "/versions", Api.OPERATOR, Map.of("digest", onnx));
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", bundle, "kind", "bundle"));
    for (int v = 1; v <= 2; v++) {
      byte[] file = BundleCodec.encode(payload(v), TEACHER_KEY.getPrivate());
      String digest = api().upload(Api.OPERATOR, "application/vnd.driftline.bundle", file).json().get("digest").asString();
      Api.Response created = api().post("/api/v1/models/" + bundle + "/versions", Api.OPERATOR,
          Map.of("digest", digest, "requirements", Map.of("student", student + ":1", "precision", "INT8")));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }
  }

  /** The bundle uploaded as version {@code v} of this test's bundle model (a real prompt and adaptor). */
  private Bundle payload(long v) {
    return TestArtefacts.adaptedBundle(bundle, v, student + ":1", v);
  }

  private JsonNode enrol(String deviceClass, String domain) {
    return enrol(deviceClass, domain, student + ":1");
  }

  private JsonNode enrol(String deviceClass, String domain, String studentVersion) {
    Api.Response r = api().post("/api/v1/devices", Api.OPERATOR, Map.of(
        "deviceClass", deviceClass, "student", studentVersion, "precisions", List.of("FP32", "INT8"),
        "ramBytes", 512_000, "flashBytes", 2_000_000, "macsPerSecond", 50_000_000,
        "sensors", List.of(Map.of("id", "cam0", "kind", "camera", "width", 28, "height", 28, "channels", 1)),
        "labels", Map.of("domain", domain, "site", "lab")));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void tokensNeverReachTheLog(CapturedOutput output) {
    JsonNode enrolment = enrol("mcu", "fog");
    String token = enrolment.get("token").asString();
    api().get("/api/v1/devices/" + enrolment.get("deviceId").asString(), token);
    api().get("/api/v1/models", token);
    api().delete("/api/v1/devices/" + enrolment.get("deviceId").asString(), Api.ADMIN);
    api().get("/api/v1/models", "wrong-" + token);

    assertThat(output.getAll()).contains(enrolment.get("deviceId").asString())
        .doesNotContain(token, Api.OPERATOR, Api.ADMIN, Api.VIEWER);
  }

  @Test
  void enrolmentIssuesATokenThatIsStoredOnlyHashed() {
    JsonNode enrolment = enrol("mcu", "fog");
    String id = enrolment.get("deviceId").asString();
    String token = enrolment.get("token").asString();

    long hashed = jdbc.sql("select count(*) from device where id = ? and token_sha256 = ?")
        .params(id, TokenAuthenticator.sha256(token)).query(Long.class).single();
    long plain = jdbc.sql("select count(*) from device where description::text like ? or encode(token_sha256, 'escape') like ?")
        .params("%" + token + "%", "%" + token + "%").query(Long.class).single();
    JsonNode self = api().get("/api/v1/devices/" + id, token).json();

    assertThat(hashed).isEqualTo(1);
    assertThat(plain).isZero();
    assertThat(self.get("deviceClass").asString()).isEqualTo("mcu");
    assertThat(self.get("labels").get("domain").asString()).isEqualTo("fog");
    assertThat(self.has("token")).isFalse();
  }

  @Test
  void badEnrolmentsAreRejectedAndEnrolNobody() {
    long before = jdbc.sql("select count(*) from device").query(Long.class).single();
    Map<String, Object> good = new HashMap<>(Map.of("deviceClass", "mcu", "student", student + ":1",
        "precisions", List.of("INT8"), "ramBytes", 1, "flashBytes", 1, "macsPerSecond", 1));
    Map<String, Object> unknownStudent = new HashMap<>(good);
    unknownStudent.put("student", "ghost:1");
    Map<String, Object> badPrecision = new HashMap<>(good);
    badPrecision.put("precisions", List.of("FP64"));

    Api.Response ghost = api().post("/api/v1/devices", Api.OPERATOR, unknownStudent);
    Api.Response precision = api().post("/api/v1/devices", Api.OPERATOR, badPrecision);
    Api.Response viewer = api().post("/api/v1/devices", Api.VIEWER, good);

    assertThat(ghost.status()).isEqualTo(422);
    assertThat(precision.status()).isEqualTo(400);
    assertThat(precision.json().get("detail").asString()).contains("FP64");
    assertThat(viewer.status()).isEqualTo(403);
    assertThat(jdbc.sql("select count(*) from device").query(Long.class).single()).isEqualTo(before);
  }

  @Test
  void aDeviceTokenReachesOnlyItsOwnDevice() {
    JsonNode a = enrol("mcu", "fog");
    JsonNode b = enrol("mcu", "fog");
    String tokenA = a.get("token").asString();
    String idA = a.get("deviceId").asString();
    String idB = b.get("deviceId").asString();

    Api.Response ownReport = api().put("/api/v1/devices/" + idA + "/reported-state", tokenA,
        Map.of("activeBundle", bundle + ":1", "health", Map.of("fps", 9.5)));
    Api.Response otherReport = api().put("/api/v1/devices/" + idB + "/reported-state", tokenA, Map.of("health", Map.of()));
    Api.Response otherDesired = api().get("/api/v1/devices/" + idB + "/desired-state", tokenA);
    Api.Response otherDevice = api().get("/api/v1/devices/" + idB, tokenA);
    Api.Response listing = api().get("/api/v1/devices", tokenA);
    Api.Response models = api().get("/api/v1/models", tokenA);

    assertThat(ownReport.status()).as(ownReport.toString()).isEqualTo(200);
    assertThat(api().get("/api/v1/devices/" + idA, Api.VIEWER).json().get("reported").get("activeBundle").asString())
        .isEqualTo(bundle + ":1");
    assertThat(List.of(otherReport.status(), otherDesired.status(), otherDevice.status(), listing.status(), models.status()))
        .containsOnly(403);
    assertThat(otherReport.isProblem()).isTrue();
    assertThat(api().get("/api/v1/devices/" + idB, Api.VIEWER).json().get("reported").isNull()).isTrue();
  }

  @Test
  void rolloutSetsTheCohortsDesiredStateAndRollbackRestoresThePreviousBundle() {
    String fogMcu = enrol("mcu", "fog").get("deviceId").asString();
    String rainMcu = enrol("mcu", "rain").get("deviceId").asString();
    String phone = enrol("phone", "fog").get("deviceId").asString();

    Api.Response first = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":1", "cohort", Map.of("deviceClass", "mcu", "student", student + ":1")));
    Api.Response second = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":2", "cohort", Map.of("domain", "fog", "student", student + ":1")));

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.json().get("deviceCount").asInt()).isEqualTo(2);
    assertThat(second.json().get("deviceCount").asInt()).isEqualTo(2);
    JsonNode fogState = api().get("/api/v1/devices/" + fogMcu + "/desired-state", Api.VIEWER).json();
    assertThat(fogState.get("bundle").get("version").asInt()).isEqualTo(2);
    assertThat(fogState.get("generation").asLong()).isEqualTo(2);
    assertThat(api().get("/api/v1/devices/" + rainMcu + "/desired-state", Api.VIEWER).json()
        .get("bundle").get("version").asInt()).isEqualTo(1);
    assertThat(api().get("/api/v1/devices/" + phone + "/desired-state", Api.VIEWER).json()
        .get("generation").asLong()).isEqualTo(1);

    long secondId = second.json().get("id").asLong();
    Api.Response rollback = api().post("/api/v1/rollouts/" + secondId + "/rollback", Api.OPERATOR, Map.of());
    Api.Response again = api().post("/api/v1/rollouts/" + secondId + "/rollback", Api.OPERATOR, Map.of());

    assertThat(rollback.status()).as(rollback.toString()).isEqualTo(200);
    assertThat(rollback.json().get("restored").asInt()).isEqualTo(1);
    assertThat(rollback.json().get("withoutPreviousBundle").asInt()).isEqualTo(1);
    assertThat(rollback.json().get("rollout").get("status").asString()).isEqualTo("ROLLED_BACK");
    // version 1 comes back re-issued as version 3, so devices accept it (they never go to a lower version)
    JsonNode reissued = rollback.json().get("reissued");
    assertThat(reissued.size()).isEqualTo(1);
    assertThat(reissued.get(0).get("original").asString()).isEqualTo(bundle + ":1");
    assertThat(reissued.get(0).get("reissue").asString()).isEqualTo(bundle + ":3");
    assertThat(reissued.get(0).get("devices").asInt()).isEqualTo(1);
    JsonNode restored = api().get("/api/v1/devices/" + fogMcu + "/desired-state", Api.VIEWER).json();
    assertThat(restored.get("bundle").get("version").asInt()).isEqualTo(3);
    assertThat(restored.get("generation").asLong()).isEqualTo(3);
    assertThat(api().get("/api/v1/devices/" + phone + "/desired-state", Api.VIEWER).json()
        .get("bundle").get("version").asInt()).as("no previous bundle: keeps the rolled-back one").isEqualTo(2);
    assertThat(again.status()).isEqualTo(409);
    JsonNode audit = api().get("/api/v1/audit?entityId=rollout:" + secondId, Api.ADMIN).json().get("items");
    assertThat(audit.size()).isEqualTo(2);
    assertThat(audit.get(0).get("action").asString()).isEqualTo("rollout.create");
    assertThat(audit.get(1).get("action").asString()).isEqualTo("rollout.rollback");
    assertThat(audit.get(1).get("actor").asString()).isEqualTo("test-operator");
  }

  @Test
  void rollbackReissuesTheEarlierPayloadAsAHigherVersionSignedByTheRegistry() throws Exception {
    JsonNode enrolment = enrol("gateway", "haze");
    String device = enrolment.get("deviceId").asString();
    String token = enrolment.get("token").asString();
    api().post("/api/v1/rollouts", Api.OPERATOR, Map.of("bundle", bundle + ":1", "cohort", Map.of("domain", "haze")));
    long second = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":2", "cohort", Map.of("domain", "haze"))).json().get("id").asLong();

    Api.Response rollback = api().post("/api/v1/rollouts/" + second + "/rollback", Api.OPERATOR, Map.of());

    assertThat(rollback.status()).as(rollback.toString()).isEqualTo(200);
    JsonNode desired = api().get("/api/v1/devices/" + device + "/desired-state", token).json();
    int version = desired.get("bundle").get("version").asInt();
    assertThat(version).as("re-issue above the rolled-back version 2").isGreaterThan(2);
    assertThat(desired.get("generation").asLong()).isEqualTo(3);
    PublicKey registryKey = Ed25519Keys.parsePublicKey(api().get("/api/v1/signing-key", null).json().get("pem").asString());
    assertThat(desired.get("signatureKeyId").asString()).isEqualTo(Ed25519Keys.keyId(registryKey));
    HttpResponse<byte[]> download = api().download(desired.get("artefactUrl").asString(), token);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(BundleCodec.digest(download.body())).isEqualTo(desired.get("artefactDigest").asString());
    Bundle reissued = BundleCodec.decode(download.body(), registryKey);
    Bundle earlier = payload(1);
    assertThat(reissued.metadata().bundleId()).isEqualTo(bundle);
    assertThat(reissued.metadata().version()).isEqualTo(version);
    assertThat(reissued.metadata().lineage()).containsEntry("rollbackOf", bundle + ":1")
        .containsEntry("rolloutId", Long.toString(second)).containsEntry("seed", "1");
    assertThat(reissued.prompt()).isNotNull().isEqualTo(earlier.prompt());
    assertThat(reissued.adaptors()).isNotEmpty().isEqualTo(earlier.adaptors());
    assertThat(reissued.adaptors()).isNotEqualTo(payload(2).adaptors());
    JsonNode stored = api().get("/api/v1/models/" + bundle + "/versions/" + version, Api.VIEWER).json();
    assertThat(stored.get("status").asString()).isEqualTo("READY");
    assertThat(stored.get("signedDigest").asString()).isEqualTo(desired.get("artefactDigest").asString());
    assertThat(stored.get("lineage").get("rollbackOf").asString()).isEqualTo(bundle + ":1");
    assertThat(stored.get("lineage").get("rolloutId").asLong()).isEqualTo(second);
    assertThat(stored.get("requirements").get("student").asString()).isEqualTo(student + ":1");
    // the outbox holds the desired-state record of the re-issue, as for a rollout
    String record = jdbc.sql("select value::text from outbox where event_id = ?").param("desired-state/" + device + "/3")
        .query(String.class).single();
    JsonNode outboxed = Api.json().readTree(record);
    assertThat(outboxed.get("bundle").get("version").asInt()).isEqualTo(version);
    assertThat(outboxed.get("artefactDigest").asString()).isEqualTo(desired.get("artefactDigest").asString());
    JsonNode audit = api().get("/api/v1/audit?entityId=rollout:" + second, Api.ADMIN).json().get("items");
    assertThat(audit.get(audit.size() - 1).get("details").get("reissued").get(0).get("reissue").asString())
        .isEqualTo(bundle + ":" + version);
  }

  @Test
  void concurrentRollbacksOfOneRolloutReissueOnlyOnce() throws Exception {
    String[] devices = {enrol("drone", "smoke").get("deviceId").asString(), enrol("drone", "smoke").get("deviceId").asString()};
    api().post("/api/v1/rollouts", Api.OPERATOR, Map.of("bundle", bundle + ":1", "cohort", Map.of("domain", "smoke")));
    long second = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":2", "cohort", Map.of("domain", "smoke"))).json().get("id").asLong();
    int racers = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    List<Future<Integer>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < racers; i++) {
        answers.add(pool.submit(() -> {
          start.await();
          return api().post("/api/v1/rollouts/" + second + "/rollback", Api.OPERATOR, Map.of()).status();
        }));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get(60, TimeUnit.SECONDS));
      }

      assertThat(statuses).containsOnlyOnce(200).containsOnly(200, 409);
    } finally {
      pool.shutdownNow();
    }
    assertThat(api().get("/api/v1/models/" + bundle, Api.VIEWER).json().get("latestVersion").asInt()).isEqualTo(3);
    for (String device : devices) {
      assertThat(jdbc.sql("select count(*) from outbox where message_key = ? and record_type = 'DESIRED_STATE'")
          .param(device).query(Long.class).single()).as("one record per rollout and one for the rollback").isEqualTo(3);
      assertThat(api().get("/api/v1/devices/" + device + "/desired-state", Api.VIEWER).json()
          .get("bundle").get("version").asInt()).isEqualTo(3);
    }
    assertThat(api().get("/api/v1/audit?entityId=rollout:" + second, Api.ADMIN).json().get("items").size())
        .as("rollout.create and one rollout.rollback").isEqualTo(2);
  }

  @Test
  void rolloutToExplicitDevicesSetsExactlyThoseOfTheBundlesStudent() {
    String otherStudent = "other-" + student;
    String onnx = api().upload(Api.OPERATOR, "application/onnx", SyntheticStudents.nano(12)).json().get("digest").asString();
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", otherStudent, "kind", "student"));
    api().post("/api/v1/models/" + otherStudent + "/versions", Api.OPERATOR, Map.of("digest", onnx));
    String first = enrol("cam", "dust").get("deviceId").asString();
    String second = enrol("cam", "dust").get("deviceId").asString();
    String notListed = enrol("cam", "dust").get("deviceId").asString();
    String revoked = enrol("cam", "dust").get("deviceId").asString();
    String otherStudentsDevice = enrol("cam", "dust", otherStudent + ":1").get("deviceId").asString();
    api().delete("/api/v1/devices/" + revoked, Api.ADMIN);
    List<String> ids = List.of(first, second, revoked, otherStudentsDevice);

    Api.Response rollout = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":1", "cohort", Map.of("deviceIds", ids)));

    assertThat(rollout.status()).as(rollout.toString()).isEqualTo(201);
    assertThat(rollout.json().get("deviceCount").asInt()).isEqualTo(2);
    for (String device : List.of(first, second)) {
      JsonNode state = api().get("/api/v1/devices/" + device + "/desired-state", Api.VIEWER).json();
      assertThat(state.get("bundle").get("bundleId").asString()).isEqualTo(bundle);
      assertThat(state.get("bundle").get("version").asInt()).isEqualTo(1);
    }
    for (String device : List.of(notListed, revoked, otherStudentsDevice)) {
      assertThat(api().get("/api/v1/devices/" + device + "/desired-state", Api.VIEWER).status()).as(device)
          .isEqualTo(404);
    }
    long id = rollout.json().get("id").asLong();
    assertThat(api().get("/api/v1/rollouts/" + id, Api.VIEWER).json().get("cohort").get("deviceIds"))
        .extracting(JsonNode::asString).containsExactlyElementsOf(ids);
    JsonNode listed = api().get("/api/v1/rollouts?limit=500", Api.VIEWER).json().get("items");
    assertThat(listed.get(listed.size() - 1).get("cohort").get("deviceIds").size()).isEqualTo(ids.size());
    JsonNode audit = api().get("/api/v1/audit?entityId=rollout:" + id, Api.ADMIN).json().get("items");
    assertThat(audit.get(0).get("details").get("cohort").get("deviceIds"))
        .extracting(JsonNode::asString).containsExactlyElementsOf(ids);
  }

  @Test
  void deviceIdsAndTheOtherCohortFieldsMustAllMatch() {
    String fog = enrol("cam", "fog").get("deviceId").asString();
    String rain = enrol("cam", "rain").get("deviceId").asString();

    Api.Response rollout = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":1", "cohort", Map.of("deviceIds", List.of(fog, rain), "domain", "rain")));

    assertThat(rollout.json().get("deviceCount").asInt()).as(rollout.toString()).isEqualTo(1);
    assertThat(api().get("/api/v1/devices/" + rain + "/desired-state", Api.VIEWER).status()).isEqualTo(200);
    assertThat(api().get("/api/v1/devices/" + fog + "/desired-state", Api.VIEWER).status()).isEqualTo(404);
  }

  @Test
  void unknownOrTooManyDeviceIdsAreRefusedAndChangeNothing() {
    String device = enrol("cam", "sleet").get("deviceId").asString();
    api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":1", "cohort", Map.of("deviceIds", List.of(device))));
    long rollouts = jdbc.sql("select count(*) from rollout").query(Long.class).single();
    long outbox = jdbc.sql("select count(*) from outbox").query(Long.class).single();
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i <= 10_000; i++) {
      tooMany.add(device);
    }

    Api.Response unknown = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":2", "cohort", Map.of("deviceIds", List.of(device, "ghost-1", "ghost-2"))));
    Api.Response overLimit = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":2", "cohort", Map.of("deviceIds", tooMany)));
    Api.Response empty = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":2", "cohort", Map.of("deviceIds", List.of())));
    Api.Response blank = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":2", "cohort", Map.of("deviceIds", List.of(device, " "))));

    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.isProblem()).as(unknown.toString()).isTrue();
    assertThat(unknown.json().get("detail").asString()).contains("ghost-1, ghost-2").doesNotContain(device);
    assertThat(overLimit.status()).isEqualTo(400);
    assertThat(overLimit.json().get("detail").asString()).contains("10001").contains("10000");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(blank.status()).isEqualTo(400);
    assertThat(jdbc.sql("select count(*) from rollout").query(Long.class).single()).isEqualTo(rollouts);
    assertThat(jdbc.sql("select count(*) from outbox").query(Long.class).single()).isEqualTo(outbox);
    JsonNode state = api().get("/api/v1/devices/" + device + "/desired-state", Api.VIEWER).json();
    assertThat(state.get("bundle").get("version").asInt()).isEqualTo(1);
    assertThat(state.get("generation").asLong()).isEqualTo(1);
  }

  @Test
  void invalidRolloutsChangeNothing() {
    String device = enrol("gateway", "fog").get("deviceId").asString();

    Api.Response noCohort = api().post("/api/v1/rollouts", Api.OPERATOR, Map.of("bundle", bundle + ":1", "cohort", Map.of()));
    Api.Response notBundle = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", student + ":1", "cohort", Map.of("deviceClass", "gateway")));
    Api.Response unknown = api().post("/api/v1/rollouts", Api.OPERATOR,
        Map.of("bundle", bundle + ":9", "cohort", Map.of("deviceClass", "gateway")));
    Api.Response unknownRollout = api().post("/api/v1/rollouts/999999/rollback", Api.OPERATOR, Map.of());

    assertThat(noCohort.status()).isEqualTo(400);
    assertThat(notBundle.status()).isEqualTo(422);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknownRollout.status()).isEqualTo(404);
    assertThat(api().get("/api/v1/devices/" + device + "/desired-state", Api.VIEWER).status()).isEqualTo(404);
  }

  @Test
  void aDeviceDownloadsOnlyItsDesiredBundleAndItsStudent() {
    JsonNode enrolment = enrol("mcu", "snow");
    String id = enrolment.get("deviceId").asString();
    String token = enrolment.get("token").asString();
    api().put("/api/v1/devices/" + id + "/desired-state", Api.OPERATOR, Map.of("bundle", bundle + ":1"));
    JsonNode desired = api().get("/api/v1/devices/" + id + "/desired-state", token).json();
    String own = desired.get("artefactDigest").asString();
    String otherBundle = api().get("/api/v1/models/" + bundle + "/versions/2", Api.VIEWER).json().get("digest").asString();
    String studentDigest = api().get("/api/v1/models/" + student + "/versions/1", Api.VIEWER).json().get("digest").asString();

    assertThat(desired.get("artefactUrl").asString()).isEqualTo("/api/v1/artefacts/" + own);
    assertThat(api().download("/api/v1/artefacts/" + own, token).statusCode()).isEqualTo(200);
    assertThat(api().download("/api/v1/artefacts/" + studentDigest, token).statusCode()).isEqualTo(200);
    assertThat(api().download("/api/v1/artefacts/" + otherBundle, token).statusCode()).isEqualTo(403);
    // knowing another artefact's digest does not help: a conditional request is refused the same way
    assertThat(api().download("/api/v1/artefacts/" + otherBundle, token, "\"" + otherBundle + "\"").statusCode())
        .isEqualTo(403);
    assertThat(api().download("/api/v1/artefacts/" + own, token, "\"" + own + "\"").statusCode()).isEqualTo(304);
  }

  @Value("${driftline.registry.topics.desired-state}")
  String desiredStateTopic;

  @Test
  void desiredStatesAndTheRevocationTombstoneReachTheCompactedTopic() {
    String id = enrol("gateway", "dust").get("deviceId").asString();
    api().put("/api/v1/devices/" + id + "/desired-state", Api.OPERATOR, Map.of("bundle", bundle + ":1"));
    api().put("/api/v1/devices/" + id + "/desired-state", Api.OPERATOR, Map.of("bundle", bundle + ":2"));
    api().delete("/api/v1/devices/" + id, Api.ADMIN);

    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, "tombstone-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> mine = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(desiredStateTopic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (id.equals(r.key())) {
            mine.add(r);
          }
        });
        return mine.size() >= 3;
      });
    }

    EventDeserializer<DesiredState> read = new EventDeserializer<>(DesiredState.class);
    assertThat(read.deserialize(desiredStateTopic, mine.get(0).headers(), mine.get(0).value()).generation()).isEqualTo(1);
    DesiredState second = read.deserialize(desiredStateTopic, mine.get(1).headers(), mine.get(1).value());
    assertThat(second.generation()).isEqualTo(2);
    assertThat(second.bundle().version()).isEqualTo(2);
    assertThat(mine.get(2).value()).as("tombstone").isNull();
  }

  @Test
  void revokingADeviceStopsItsTokenAndOnlyAnAdminMayDoIt() {
    JsonNode enrolment = enrol("phone", "rain");
    String id = enrolment.get("deviceId").asString();
    String token = enrolment.get("token").asString();
    // used once, so the token is in the authentication cache when the device is revoked
    assertThat(api().get("/api/v1/devices/" + id, token).status()).isEqualTo(200);

    Api.Response byOperator = api().delete("/api/v1/devices/" + id, Api.OPERATOR);
    Api.Response byAdmin = api().delete("/api/v1/devices/" + id, Api.ADMIN);
    Api.Response afterwards = api().get("/api/v1/devices/" + id, token);

    assertThat(byOperator.status()).isEqualTo(403);
    assertThat(byAdmin.status()).as(byAdmin.toString()).isEqualTo(200);
    assertThat(byAdmin.json().get("status").asString()).isEqualTo("REVOKED");
    assertThat(afterwards.status()).isEqualTo(401);
    assertThat(afterwards.isProblem()).isTrue();
  }
}
