package io.driftline.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.agent.AgentFixtures;
import io.driftline.agent.DeviceAgent;
import io.driftline.agent.TestConfigs;
import io.driftline.agent.source.FrameSource;
import io.driftline.agent.source.SourceFrame;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.BundleRef;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.RealPostgres;
import io.driftline.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The agent against the real model registry (its jar in a child JVM, on PostgreSQL and the shared
 * broker): enrolment with the token kept on disk, the pinned key, desired states read from the
 * compacted topic, a verified update reported back, a rolled-back version and a bundle tampered
 * with in the registry's blob store rejected, and a restart on the active bundle. Frames keep
 * flowing through every swap, and every frame runs on exactly one bundle. A rollout rolled back in
 * the registry reaches the agent as a newer version carrying the earlier payload, and is applied.
 */
@RealPostgres
@RealKafka
class RegistryUpdateTest {

  static final KeyPair TEACHER = Ed25519Keys.generate();
  static final int DIMENSION = 1024;
  static RegistryProcess registry;
  static Path dir;

  @BeforeAll
  static void start(TestDatabase database) throws Exception {
    dir = Files.createTempDirectory("agent-registry-");
    Files.createDirectories(dir.resolve("registry"));
    registry = new RegistryProcess(database, dir.resolve("registry"), "agent-" + UUID.randomUUID(),
        List.of(Ed25519Keys.toPem(TEACHER.getPublic())));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  /** Endless random frames that remember which bundle each frame ran on. */
  static final class RandomFrames implements FrameSource {
    final SplittableRandom random = new SplittableRandom(11);

    @Override
    public @Nullable SourceFrame next() throws InterruptedException {
      Thread.sleep(2);
      return new SourceFrame(AgentFixtures.frame(random), random.nextInt(10), null, "random");
    }

    @Override
    public String describe() {
      return "random frames";
    }
  }

  private DeviceAgent agent(Path data, String student) throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("data-dir", data.toString());
    p.put("kafka-bootstrap", KafkaTestBroker.bootstrap());
    p.put("registry.url", registry.url());
    p.put("registry.enrolment-token", RegistryProcess.OPERATOR);
    p.put("registry.enrolment.device-class", "mcu");
    p.put("registry.enrolment.student", student + ":1");
    p.put("registry.enrolment.labels.domain", "fog");
    p.put("student.model", AgentFixtures.nanoStudent(dir).toString());
    p.put("hdc.dimension", Integer.toString(DIMENSION));
    p.put("topics.desired-state", registry.desiredStateTopic);
    p.put("topics.samples", "device.samples.agent-reg");
    p.put("topics.telemetry", "device.telemetry.agent-reg");
    p.put("queue.send-timeout", "2s");
    return new DeviceAgent(TestConfigs.bind(p), new RandomFrames());
  }

  private void bundleVersion(String bundle, long version, String student) throws Exception {
    byte[] file = AgentFixtures.signed(AgentFixtures.bundle(bundle, version, AgentFixtures.NANO_FEATURES, DIMENSION, 2),
        TEACHER.getPrivate());
    String digest = registry.upload("application/vnd.driftline.bundle", file).get("digest").asString();
    registry.post("/api/v1/models/" + bundle + "/versions", Map.of("digest", digest,
        "requirements", Map.of("student", student + ":1", "precision", "INT8")));
  }

  private String newStudentAndBundle(String student, String bundle, int versions) throws Exception {
    String onnx = registry.upload("application/onnx", SyntheticStudents.nano(7)).get("digest").asString();
    registry.post("/api/v1/models", Map.of("name", student, "kind", "student"));
    registry.post("/api/v1/models/" + student + "/versions", Map.of("digest", onnx));
    registry.post("/api/v1/models", Map.of("name", bundle, "kind", "bundle"));
    for (long v = 1; v <= versions; v++) {
      bundleVersion(bundle, v, student);
    }
    return onnx;
  }

  private long outcome(DeviceAgent agent, UpdateOutcome outcome) {
    return agent.updater().outcomes().get(outcome);
  }

  @Test
  void updatesAreVerifiedReportedRejectedWhenRolledBackOrTamperedAndSurviveARestart() throws Exception {
    String suffix = Long.toString(System.nanoTime());
    String student = "student-nano-" + suffix;
    String bundle = "fog-" + suffix;
    newStudentAndBundle(student, bundle, 3);
    Path data = dir.resolve("device");

    DeviceAgent agent = agent(data, student);
    String deviceId = agent.deviceId();
    agent.start();
    try {
      // Enrolment kept the token on disk, readable by the owner only, and pinned the registry key.
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(DeviceIdentity.IDENTITY_FILE))))
          .isEqualTo("rw-------");
      assertThat(Files.readString(data.resolve(DeviceIdentity.KEY_FILE)))
          .isEqualTo(registry.get("/api/v1/signing-key").get("pem").asString());

      registry.put("/api/v1/devices/" + deviceId + "/desired-state", Map.of("bundle", bundle + ":2"));
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.pipeline().snapshot().version() == 2);
      long framesAtSwap = agent.frames();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        JsonNode reported = registry.get("/api/v1/devices/" + deviceId).get("reported");
        return reported != null && !reported.isNull() && (bundle + ":2").equals(reported.get("activeBundle").asString());
      });

      // A rolled-back version, properly signed by the registry, is refused.
      registry.put("/api/v1/devices/" + deviceId + "/desired-state", Map.of("bundle", bundle + ":1"));
      await().atMost(Duration.ofSeconds(30)).until(() -> outcome(agent, UpdateOutcome.REJECTED_ROLLBACK) == 1);

      // Version 3 is signed on promotion; its signed artefact is then altered in the blob store.
      registry.put("/api/v1/models/" + bundle + "/aliases/candidate", Map.of("version", 3));
      String signed = registry.get("/api/v1/models/" + bundle + "/versions/3").get("signedDigest").asString();
      Path blob = dir.resolve("registry").resolve("blobs").resolve(signed.substring(0, 2)).resolve(signed);
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length / 2] ^= 0x10;
      Files.write(blob, bytes);
      registry.put("/api/v1/devices/" + deviceId + "/desired-state", Map.of("bundle", bundle + ":3"));
      await().atMost(Duration.ofSeconds(30)).until(() -> outcome(agent, UpdateOutcome.REJECTED_DIGEST) == 1);

      assertThat(agent.pipeline().snapshot().version()).isEqualTo(2);
      assertThat(agent.frames()).isGreaterThan(framesAtSwap);
      assertThat(agent.updater().outcomes().get(UpdateOutcome.APPLIED)).isEqualTo(1);
    } finally {
      agent.close();
    }

    // Restart: same identity (no second enrolment), back on bundle 2 before reading any desired state.
    DeviceAgent restarted = agent(data, student);
    try {
      assertThat(restarted.deviceId()).isEqualTo(deviceId);
      restarted.start();
      assertThat(restarted.pipeline().snapshot().bundleRef()).isEqualTo(new BundleRef(bundle, 2));
      await().atMost(Duration.ofSeconds(30)).until(() -> restarted.watcher().caughtUp());
      // The latest desired state (the tampered version 3) is rejected again; bundle 2 stays.
      await().atMost(Duration.ofSeconds(30)).until(() -> outcome(restarted, UpdateOutcome.REJECTED_DIGEST) == 1);
      assertThat(restarted.pipeline().snapshot().version()).isEqualTo(2);
    } finally {
      restarted.close();
    }
  }

  @Test
  void aRegistryRollbackIsReissuedAsANewerVersionThatTheAgentApplies() throws Exception {
    String suffix = Long.toString(System.nanoTime());
    String student = "student-nano-rb-" + suffix;
    String bundle = "haze-" + suffix;
    newStudentAndBundle(student, bundle, 2);
    Map<String, Object> cohort = Map.of("student", student + ":1");

    DeviceAgent agent = agent(dir.resolve("device-rollback"), student);
    agent.start();
    try {
      registry.post("/api/v1/rollouts", Map.of("bundle", bundle + ":1", "cohort", cohort));
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.pipeline().snapshot().version() == 1);
      long second = registry.post("/api/v1/rollouts", Map.of("bundle", bundle + ":2", "cohort", cohort))
          .get("id").asLong();
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.pipeline().snapshot().version() == 2);

      JsonNode rollback = registry.post("/api/v1/rollouts/" + second + "/rollback", Map.of());

      // The registry re-issues version 1's payload as version 3; the agent's anti-rollback lets it in.
      assertThat(rollback.get("reissued").get(0).get("reissue").asString()).isEqualTo(bundle + ":3");
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.pipeline().snapshot().version() == 3);
      // The updater counts the outcome just after the swap, so wait for the count rather than read it.
      await().atMost(Duration.ofSeconds(5)).until(() -> outcome(agent, UpdateOutcome.APPLIED) == 3);
      assertThat(outcome(agent, UpdateOutcome.REJECTED_ROLLBACK)).isZero();
      Bundle active = agent.pipeline().snapshot().bundle();
      Bundle first = AgentFixtures.bundle(bundle, 1, AgentFixtures.NANO_FEATURES, DIMENSION, 2);
      assertThat(active).isNotNull();
      assertThat(active.metadata().bundleId()).isEqualTo(bundle);
      assertThat(active.metadata().lineage()).containsEntry("rollbackOf", bundle + ":1");
      assertThat(active.prompt()).isNotNull().isEqualTo(first.prompt());
      assertThat(active.adaptors()).hasSize(2).isEqualTo(first.adaptors());
      await().atMost(Duration.ofSeconds(10)).until(() -> (bundle + ":3").equals(
          registry.get("/api/v1/devices/" + agent.deviceId()).get("reported").path("activeBundle").asString()));
    } finally {
      agent.close();
    }
  }
}
