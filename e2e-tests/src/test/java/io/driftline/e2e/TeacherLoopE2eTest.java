package io.driftline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.image.Image;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.ServiceProcess;
import io.driftline.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The cloud teacher closing the loop with real services: drift incidents and uploaded samples on
 * Kafka become gated, signed bundles that the registry rolls out to exactly the cohort's devices;
 * a failing gate publishes nothing; a teacher killed mid-job resumes the job after a restart;
 * duplicate uploads are stored once.
 */
@RealKafka
class TeacherLoopE2eTest {

  static final Duration JOB_WAIT = Duration.ofMinutes(3);
  static TeacherFleet fleet;
  static LabeledImages test;

  @BeforeAll
  static void fleet(KafkaTestBroker kafka) throws Exception {
    fleet = new TeacherFleet(kafka, "loop");
    test = FashionMnist.fromEnvironment(false).test();
  }

  @AfterAll
  static void close() {
    if (fleet != null) {
      fleet.close();
    }
  }

  /** Foggy frames (severity 4) of test images, offset so that each device gets other frames. */
  static List<Image> foggy(int count, int offset) {
    List<Image> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      frames.add(CorruptionFamily.FOG.apply(test.image(offset + i), 4, 17, offset + i));
    }
    return frames;
  }

  record Topics(String samples, String incidents) {}

  static Topics topics(String name) throws Exception {
    Topics t = new Topics("device.samples.e2e-" + name + "-" + fleet.suffix, "drift.incidents.e2e-" + name + "-" + fleet.suffix);
    E2eKafka.createTopics(fleet.kafka, new NewTopic(t.samples(), 2, (short) 1), new NewTopic(t.incidents(), 2, (short) 1));
    return t;
  }

  JsonNode awaitJob(ServiceProcess teacher, String incidentId, String... states) {
    Set<String> wanted = Set.of(states);
    JsonNode[] found = new JsonNode[1];
    await().atMost(JOB_WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      for (JsonNode item : fleet.get(teacher, "/api/v1/jobs?limit=50", TeacherFleet.TEACHER_TOKEN).get("items")) {
        JsonNode details = fleet.get(teacher, "/api/v1/jobs/" + item.get("jobId").asString(), TeacherFleet.TEACHER_TOKEN);
        for (JsonNode i : details.get("incidents")) {
          if (i.get("incidentId").asString().equals(incidentId) && wanted.contains(details.get("state").asString())) {
            found[0] = details;
            return true;
          }
        }
      }
      return false;
    });
    return found[0];
  }

  List<DriftIncident> incidentEvents(String topic, int atLeast) {
    return E2eKafka.readFromStart(fleet.kafka, topic, atLeast, new StringDeserializer(),
        new EventDeserializer<>(DriftIncident.class)).stream().map(ConsumerRecord::value).toList();
  }

  /** How many versions of a registry model the job registered (by the job id in their lineage). */
  long versionsOfJob(String model, String jobId) throws Exception {
    if (fleet.status(fleet.registry, "/api/v1/models/" + model, TeacherFleet.OPERATOR) == 404) {
      return 0;
    }
    long count = 0;
    for (JsonNode v : fleet.get(fleet.registry, "/api/v1/versions?model=" + model + "&limit=500", TeacherFleet.OPERATOR).get("items")) {
      if (v.path("lineage").path("hyperParameters").path("jobId").asString("").equals(jobId)) {
        count++;
      }
    }
    return count;
  }

  @Test
  void anIncidentWithSamplesEndsInBundlesOnExactlyTheCohortsDevices() throws Exception {
    // two precision/budget classes in the cohort, and a bystander on the same student
    String phoneA = fleet.enrol("phone", List.of("FP32", "INT8"), 64L << 20, 128L << 20, 1_000_000_000L);
    String phoneB = fleet.enrol("phone", List.of("FP32", "INT8"), 64L << 20, 128L << 20, 1_000_000_000L);
    String mcu = fleet.enrol("mcu", List.of("INT8"), 2_048, 8L << 20, 200_000_000L);
    String bystander = fleet.enrol("phone", List.of("FP32", "INT8"), 64L << 20, 128L << 20, 1_000_000_000L);
    Topics topics = topics("loop");
    TestDatabase db = fleet.database("teacher-loop");
    try (ServiceProcess teacher = fleet.teacher("teacher-loop", db, topics.samples(), topics.incidents(), List.of())) {
      String group = "inc-" + UUID.randomUUID();
      List<DeviceSample> uploads = new ArrayList<>();
      uploads.addAll(TeacherFleet.samples(phoneA, foggy(60, 0), 100));
      uploads.addAll(TeacherFleet.samples(phoneB, foggy(60, 100), 100));
      uploads.addAll(TeacherFleet.samples(mcu, foggy(60, 200), 100));
      fleet.send(topics.samples(), uploads);
      fleet.send(topics.samples(), uploads.subList(0, 30)); // a device re-sending after a lost acknowledgement
      fleet.send(topics.incidents(), List.of(
          TeacherFleet.opened(group, phoneA, group, 100),
          TeacherFleet.opened("inc-" + UUID.randomUUID(), phoneB, group, 100),
          TeacherFleet.opened("inc-" + UUID.randomUUID(), mcu, group, 100)));

      JsonNode job = awaitJob(teacher, group, "PUBLISHED", "REJECTED", "FAILED");

      assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("PUBLISHED");
      assertThat(job.get("incidents")).hasSize(3);
      // each upload once, duplicates ignored
      assertThat(job.get("samples").get("count").asInt()).isEqualTo(180);
      Set<String> ids = new HashSet<>();
      job.get("samples").get("items").forEach(s -> ids.add(s.get("sampleId").asString()));
      assertThat(ids).isEqualTo(uploads.stream().map(DeviceSample::eventId).collect(java.util.stream.Collectors.toSet()));
      JsonNode variants = job.get("variants");
      assertThat(variants).hasSize(2);
      for (JsonNode v : variants) {
        assertThat(v.get("status").asString()).as(v.toString()).isIn("ROLLED_OUT", "REJECTED");
      }
      assertThat(job.get("timings").has("TRAINING")).isTrue();

      for (JsonNode v : variants) {
        if (!v.get("status").asString().equals("ROLLED_OUT")) {
          continue;
        }
        String bundle = v.get("bundleModel").asString() + ":" + v.get("bundleVersion").asLong();
        for (JsonNode device : v.get("devices")) {
          JsonNode desired = fleet.get(fleet.registry, "/api/v1/devices/" + device.asString() + "/desired-state", TeacherFleet.OPERATOR);
          assertThat(desired.get("bundle").get("bundleId").asString() + ":" + desired.get("bundle").get("version").asLong())
              .isEqualTo(bundle);
        }
        JsonNode version = fleet.get(fleet.registry, "/api/v1/models/" + v.get("bundleModel").asString() + "/versions/"
            + v.get("bundleVersion").asLong(), TeacherFleet.OPERATOR);
        JsonNode lineage = version.get("lineage");
        assertThat(lineage.get("parentStudent").asString()).isEqualTo("student-small:1");
        assertThat(lineage.get("teacher").asString()).isEqualTo("teacher:1");
        assertThat(lineage.get("hyperParameters").get("jobId").asString()).isEqualTo(job.get("jobId").asString());
        assertThat(lineage.get("gate").get("passed").asBoolean()).isTrue();
        assertThat(lineage.get("sampleIds").size()).isGreaterThan(0);
        lineage.get("sampleIds").forEach(s -> assertThat(ids).contains(s.asString()));
        // what the devices download: signed by the registry, with a compact lineage naming the job
        java.security.PublicKey registryKey = io.driftline.core.bundle.Ed25519Keys.parsePublicKey(
            fleet.get(fleet.registry, "/api/v1/signing-key", TeacherFleet.OPERATOR).get("pem").asString());
        io.driftline.core.bundle.Bundle shipped = io.driftline.core.bundle.BundleCodec.decode(fleet.bytes(fleet.registry,
            "/api/v1/artefacts/" + version.get("signedDigest").asString(), TeacherFleet.OPERATOR), registryKey);
        assertThat(shipped.metadata().bundleId()).isEqualTo(v.get("bundleModel").asString());
        assertThat(shipped.metadata().version()).isEqualTo(v.get("bundleVersion").asLong());
        assertThat(shipped.metadata().lineage()).containsEntry("job.id", job.get("jobId").asString())
            .doesNotContainKeys("samples.train", "samples.heldOut");
      }
      assertThat(fleet.status(fleet.registry, "/api/v1/devices/" + bystander + "/desired-state", TeacherFleet.OPERATOR))
          .isEqualTo(404);
      // the teacher told the detector it is adapting each incident
      assertThat(incidentEvents(topics.incidents(), 6)).filteredOn(i -> i.state() == DriftIncident.State.ADAPTING)
          .extracting(DriftIncident::deviceId).containsExactlyInAnyOrder(phoneA, phoneB, mcu);

      // the detector's verdict comes back: the job follows its incident to recovered
      DriftIncident adapting = incidentEvents(topics.incidents(), 6).stream()
          .filter(i -> i.incidentId().equals(group) && i.state() == DriftIncident.State.ADAPTING).findFirst().orElseThrow();
      fleet.send(topics.incidents(), List.of(new DriftIncident(group, phoneA, DriftIncident.State.RECOVERED,
          adapting.detector(), adapting.statistic(), 0.4, adapting.openedAt(), java.time.Instant.now(),
          adapting.firstWindowSeq(), adapting.lastWindowSeq() + 12, null, group)));
      String jobId = job.get("jobId").asString();
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
        JsonNode now = fleet.get(teacher, "/api/v1/jobs/" + jobId, TeacherFleet.TEACHER_TOKEN);
        assertThat(now.get("incidents").findValuesAsString("state")).contains("RECOVERED");
        List<String> history = new ArrayList<>();
        now.get("history").forEach(h -> history.add(h.get("message").asString()));
        assertThat(history).anySatisfy(m -> assertThat(m).contains(group).contains("RECOVERED"));
      });

      // a second drift (darkness) on one of the devices: its new bundle carries the fog domain on
      String night = "inc-" + UUID.randomUUID();
      List<Image> dark = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        dark.add(CorruptionFamily.DARKEN.apply(test.image(300 + i), 4, 29, 300 + i));
      }
      fleet.send(topics.samples(), TeacherFleet.samples(phoneA, dark, 200));
      fleet.send(topics.incidents(), List.of(TeacherFleet.opened(night, phoneA, night, 200)));
      JsonNode second = awaitJob(teacher, night, "PUBLISHED", "REJECTED", "FAILED");
      assertThat(second.get("carriedDomains").toString()).as(second.toString()).contains(group).contains(jobId);
      JsonNode phoneVariant = second.get("variants").get(0);
      assertThat(phoneVariant.get("devices").toString()).contains(phoneA);
      JsonNode trained = fleet.get(fleet.registry, "/api/v1/models/" + phoneVariant.get("bundleModel").asString()
          + "/versions/" + phoneVariant.get("bundleVersion").asLong(), TeacherFleet.OPERATOR);
      assertThat(trained.get("lineage").get("hyperParameters").get("samples.domains").asString())
          .contains(night).contains(group);
    }
  }

  @Test
  void aGateFailurePublishesNothingAndFailsTheIncident() throws Exception {
    String device = fleet.enrol("phone", List.of("FP32"), 64L << 20, 128L << 20, 1_000_000_000L);
    Topics topics = topics("gate");
    TestDatabase db = fleet.database("teacher-gate");
    // no adaptation gains 100 points, so every variant fails the gate
    try (ServiceProcess teacher = fleet.teacher("teacher-gate", db, topics.samples(), topics.incidents(),
        List.of("--driftline.teacher.gate.min-gain-points=100"))) {
      String incident = "inc-" + UUID.randomUUID();
      fleet.send(topics.samples(), TeacherFleet.samples(device, foggy(40, 400), 50));
      fleet.send(topics.incidents(), List.of(TeacherFleet.opened(incident, device, incident, 50)));

      JsonNode job = awaitJob(teacher, incident, "PUBLISHED", "REJECTED", "FAILED");

      assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("REJECTED");
      JsonNode variant = job.get("variants").get(0);
      assertThat(variant.get("status").asString()).isEqualTo("REJECTED");
      assertThat(variant.get("gate").get("decision").asString()).isEqualTo("reject");
      assertThat(variant.get("gate").get("target").get("samples").asInt()).isGreaterThan(0);
      assertThat(fleet.status(fleet.registry, "/api/v1/devices/" + device + "/desired-state", TeacherFleet.OPERATOR))
          .isEqualTo(404);
      // recorded in the registry for the record, as a REJECTED version that nothing can roll out
      assertThat(versionsOfJob(variant.get("bundleModel").asString(), job.get("jobId").asString())).isEqualTo(1);
      JsonNode rejected = fleet.get(fleet.registry, "/api/v1/models/" + variant.get("bundleModel").asString()
          + "/versions/" + variant.get("bundleVersion").asLong(), TeacherFleet.OPERATOR);
      assertThat(rejected.get("status").asString()).isEqualTo("REJECTED");
      assertThat(rejected.get("lineage").get("gate").get("passed").asBoolean()).isFalse();
      assertThat(incidentEvents(topics.incidents(), 3)).extracting(DriftIncident::state)
          .contains(DriftIncident.State.ADAPTING, DriftIncident.State.FAILED);

      // an operator may retry an ended job: a new job for the same incidents
      JsonNode retry = fleet.post(teacher, "/api/v1/jobs/" + job.get("jobId").asString() + "/retry", Map.of(), 201);
      assertThat(retry.get("trigger").asString()).isEqualTo("RETRY");
      assertThat(retry.get("retryOf").asString()).isEqualTo(job.get("jobId").asString());
      JsonNode retried = fleet.get(teacher, "/api/v1/jobs/" + retry.get("jobId").asString(), TeacherFleet.TEACHER_TOKEN);
      assertThat(retried.get("incidents").findValuesAsString("incidentId")).containsExactly(incident);
    }
  }

  @Test
  void aTeacherKilledMidJobResumesTheJobAfterARestart() throws Exception {
    String device = fleet.enrol("phone", List.of("FP32"), 64L << 20, 128L << 20, 1_000_000_000L);
    Topics topics = topics("crash");
    TestDatabase db = fleet.database("teacher-crash");
    String incident = "inc-" + UUID.randomUUID();
    // ten times the prompt steps, so that the run is still training when it is killed
    try (ServiceProcess first = fleet.teacher("teacher-crash-1", db, topics.samples(), topics.incidents(),
        List.of("--driftline.teacher.pipeline.prompt-steps=1500"))) {
      fleet.send(topics.samples(), TeacherFleet.samples(device, foggy(60, 600), 70));
      fleet.send(topics.incidents(), List.of(TeacherFleet.opened(incident, device, incident, 70)));
      JsonNode running = awaitJob(first, incident, "TRAINING", "GATING", "PUBLISHED", "REJECTED", "FAILED");
      assertThat(running.get("state").asString()).as(running.toString()).isIn("TRAINING", "GATING");
      first.kill();
    }
    try (ServiceProcess second = fleet.teacher("teacher-crash-2", db, topics.samples(), topics.incidents(), List.of())) {
      JsonNode job = awaitJob(second, incident, "PUBLISHED", "REJECTED", "FAILED");

      assertThat(job.get("state").asString()).as(job.toString()).isIn("PUBLISHED", "REJECTED");
      assertThat(job.get("attempt").asInt()).isEqualTo(2);
      List<String> history = new ArrayList<>();
      job.get("history").forEach(h -> history.add(h.get("message").asString()));
      assertThat(history).anySatisfy(m -> assertThat(m).contains("requeued"));
      JsonNode variant = job.get("variants").get(0);
      if (job.get("state").asString().equals("PUBLISHED")) {
        // exactly one version was registered for the job, although two runs trained it
        assertThat(versionsOfJob(variant.get("bundleModel").asString(), job.get("jobId").asString())).isEqualTo(1);
        assertThat(fleet.get(fleet.registry, "/api/v1/devices/" + device + "/desired-state", TeacherFleet.OPERATOR)
            .get("bundle").get("version").asLong()).isEqualTo(variant.get("bundleVersion").asLong());
      }
    }
  }

  @Test
  void theJobApiWantsATokenAndRejectsBadInput() throws Exception {
    Topics topics = topics("api");
    TestDatabase db = fleet.database("teacher-api");
    try (ServiceProcess teacher = fleet.teacher("teacher-api", db, topics.samples(), topics.incidents(), List.of())) {
      assertThat(fleet.status(teacher, "/api/v1/jobs", "wrong-token")).isEqualTo(401);
      assertThat(fleet.status(teacher, "/api/v1/jobs?state=SLEEPING", TeacherFleet.TEACHER_TOKEN)).isEqualTo(400);
      assertThat(fleet.status(teacher, "/api/v1/jobs/job-unknown", TeacherFleet.TEACHER_TOKEN)).isEqualTo(404);
      fleet.post(teacher, "/api/v1/jobs", Map.of("incidentIds", List.of("inc-never-seen")), 422);
      fleet.post(teacher, "/api/v1/jobs", Map.of(), 400);
      assertThat(fleet.get(teacher, "/api/v1/jobs", TeacherFleet.TEACHER_TOKEN).get("items")).isEmpty();
      // a viewer reads but cannot trigger
      assertThat(fleet.status(teacher, "/api/v1/jobs", TeacherFleet.TEACHER_VIEWER)).isEqualTo(200);
      fleet.post(teacher, "/api/v1/jobs", Map.of("deviceIds", List.of("dev-manual")), TeacherFleet.TEACHER_VIEWER, 403);
      assertThat(fleet.get(teacher, "/api/v1/jobs", TeacherFleet.TEACHER_TOKEN).get("items")).isEmpty();
      // an operator triggers a job for a device by hand; a job that has not ended cannot be retried
      JsonNode manual = fleet.post(teacher, "/api/v1/jobs", Map.of("deviceIds", List.of("dev-manual")), 201);
      assertThat(manual.get("trigger").asString()).isEqualTo("MANUAL");
      assertThat(manual.get("state").asString()).isEqualTo("QUEUED");
      fleet.post(teacher, "/api/v1/jobs/" + manual.get("jobId").asString() + "/retry", Map.of(), 409);
      assertThat(fleet.get(teacher, "/api/v1/jobs", TeacherFleet.TEACHER_TOKEN).get("items")).hasSize(1);
    }
  }
}
