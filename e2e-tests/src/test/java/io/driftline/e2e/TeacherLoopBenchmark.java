package io.driftline.e2e;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.image.Image;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.ServiceProcess;
import io.driftline.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;

/**
 * Incident opened → bundle published, for 500 uploaded samples, on the real services (registry,
 * catalog and teacher in child JVMs, the shared broker, local PostgreSQL): off by default, run with
 * {@code -Ddriftline.benchmark=true}. For each of {@code driftline.benchmark.runs} (default 5) fresh
 * devices, the 500 samples are already stored; the clock starts when the OPEN incident is sent and
 * stops when the registry holds a desired state for the device. Also times how long the 500 uploads
 * take from being sent until the teacher has stored them all. Prints the runs and their median, and
 * writes {@code target/teacher-loop-benchmark.md}.
 */
@RealKafka
@EnabledIfSystemProperty(named = "driftline.benchmark", matches = "true")
class TeacherLoopBenchmark {

  @Test
  void incidentToPublishedBundle(KafkaTestBroker kafka) throws Exception {
    int runs = Integer.getInteger("driftline.benchmark.runs", 5);
    int samples = Integer.getInteger("driftline.benchmark.samples", 500);
    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    try (TeacherFleet fleet = new TeacherFleet(kafka, "bench")) {
      String samplesTopic = "device.samples.bench-" + fleet.suffix;
      String incidentsTopic = "drift.incidents.bench-" + fleet.suffix;
      E2eKafka.createTopics(kafka, new NewTopic(samplesTopic, 2, (short) 1), new NewTopic(incidentsTopic, 2, (short) 1));
      TestDatabase db = fleet.database("teacher-bench");
      try (ServiceProcess teacher = fleet.teacher("teacher-bench", db, samplesTopic, incidentsTopic,
          List.of("--driftline.teacher.jobs.min-samples=" + samples, "--driftline.teacher.jobs.max-samples-per-device=" + samples))) {
        List<Double> loop = new ArrayList<>();
        StringBuilder report = new StringBuilder("| run | samples | uploads sent → all stored, s | incident sent → desired state, s | job state |\n|---:|---:|---:|---:|---|\n");
        for (int run = 0; run <= runs; run++) { // run 0 warms the teacher up (model download, DJL start) and is not counted
          String device = fleet.enrol("phone", List.of("FP32", "INT8"), 64L << 20, 128L << 20, 1_000_000_000L);
          List<Image> frames = new ArrayList<>();
          for (int i = 0; i < samples; i++) {
            int index = (run * samples + i) % test.size();
            frames.add(CorruptionFamily.FOG.apply(test.image(index), 3, 23, index));
          }
          List<DeviceSample> uploads = TeacherFleet.samples(device, frames, 10);
          long ingestStart = System.nanoTime();
          fleet.send(samplesTopic, uploads);
          waitForSamples(fleet, teacher, db, device, samples);
          double ingest = (System.nanoTime() - ingestStart) / 1e9;

          String incident = "inc-" + UUID.randomUUID();
          long start = System.nanoTime();
          fleet.send(incidentsTopic, List.of(TeacherFleet.opened(incident, device, incident, 10)));
          String state;
          while (true) {
            if (fleet.status(fleet.registry, "/api/v1/devices/" + device + "/desired-state", TeacherFleet.OPERATOR) == 200) {
              state = "PUBLISHED";
              break;
            }
            state = jobState(fleet, teacher, incident);
            if ("REJECTED".equals(state) || "FAILED".equals(state)) {
              break;
            }
            if (System.nanoTime() - start > 300_000_000_000L) {
              throw new AssertionError("no bundle within 300 s for " + device);
            }
            Thread.sleep(50);
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          String line = String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %s |%n", run == 0 ? "warm-up" : run, samples,
              ingest, seconds, state);
          report.append(line);
          System.out.print(line);
          if (run > 0 && state.equals("PUBLISHED")) {
            loop.add(seconds);
          }
        }
        loop.sort(Double::compare);
        String median = loop.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", loop.get(loop.size() / 2));
        report.append("\nmedian incident → desired state: ").append(median).append(" s over ").append(loop.size())
            .append(" published runs; ").append(Runtime.getRuntime().availableProcessors()).append(" processors\n");
        System.out.println(report);
        Files.writeString(Path.of("target", "teacher-loop-benchmark.md"), report.toString());
      }
    }
  }

  private static void waitForSamples(TeacherFleet fleet, ServiceProcess teacher, TestDatabase db, String device, int count)
      throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    try (var connection = db.connect(); var statement = connection.prepareStatement(
        "select count(*) from teacher.samples where device_id = ?")) {
      statement.setString(1, device);
      while (true) {
        try (var rs = statement.executeQuery()) {
          rs.next();
          if (rs.getLong(1) >= count) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the teacher did not store " + count + " samples of " + device + " within 120 s");
        }
        Thread.sleep(20);
      }
    }
  }

  private static String jobState(TeacherFleet fleet, ServiceProcess teacher, String incident) throws Exception {
    for (JsonNode item : fleet.get(teacher, "/api/v1/jobs?limit=5", TeacherFleet.TEACHER_TOKEN).get("items")) {
      JsonNode details = fleet.get(teacher, "/api/v1/jobs/" + item.get("jobId").asString(), TeacherFleet.TEACHER_TOKEN);
      for (JsonNode i : details.get("incidents")) {
        if (i.get("incidentId").asString().equals(incident)) {
          return details.get("state").asString();
        }
      }
    }
    return "QUEUED";
  }
}
