package io.driftline.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.events.DriftIncident;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.driftline.agent.update.UpdateOutcome;
import io.driftline.testsupport.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Fault scenarios on one whole fleet ({@link FaultFleet}: restartable broker, private PostgreSQL,
 * the four services as child JVMs, three real device agents), in order, each bounded in time and
 * each followed by {@link FleetInvariants#assertAll}. See docs/testing.md, "Fault tests".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetFaultE2eTest {

  /** How long the fleet may take to settle after a fault (loop, convergence, drained queues). */
  static final Duration SETTLE = Duration.ofMinutes(3);
  /**
   * How long the offline device stays away: {@code driftline.faults.offline} (an ISO-8601 duration),
   * 2 minutes by default (the "offline for minutes") and 5 minutes under
   * {@code -Ddriftline.benchmark=true}.
   */
  static final Duration OFFLINE = Duration.parse(System.getProperty("driftline.faults.offline",
      Boolean.getBoolean("driftline.benchmark") ? "PT5M" : "PT2M"));
  static FaultFleet fleet;
  static FleetInvariants invariants;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = new FaultFleet(2, 60);
    invariants = new FleetInvariants(fleet);
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  /** Waits until every device has processed {@code frames} more frames. */
  static void streamFor(int frames, Duration bound) {
    Map<FaultDevice, Long> start = new java.util.HashMap<>();
    fleet.devices.forEach(d -> start.put(d, d.agent.frames()));
    await("devices streamed " + frames + " frames").atMost(bound).pollInterval(Duration.ofMillis(200)).until(() ->
        fleet.devices.stream().allMatch(d -> d.agent.frames() - start.get(d) >= frames));
  }

  /**
   * Broker SIGKILLed while every device streams drifted frames and the detector and teacher consume
   * them, then started again on its port and log folder. The adaptation loop still closes.
   */
  @Test
  @Order(1)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void brokerRestartMidStream() throws Exception {
    // the detector's baseline: 16 windows of clean frames, a few more for margin
    streamFor(20 * FaultDevice.WINDOW_FRAMES, Duration.ofSeconds(90));
    Map<String, Long> before = invariants.desiredGenerations();
    fleet.devices.forEach(d -> d.source.switchTo(CorruptionFamily.CONTRAST, 3));
    streamFor(4 * FaultDevice.WINDOW_FRAMES, Duration.ofSeconds(30));

    fleet.broker.kill();
    // the devices keep capturing: their records wait in the offline queues
    await("a device queued records while the broker was down").atMost(Duration.ofSeconds(30))
        .until(() -> fleet.devices.stream().anyMatch(d -> d.agent.sender().queued() > 0));
    fleet.broker.restart();

    await("an incident opened").atMost(SETTLE).pollInterval(Duration.ofSeconds(1))
        .until(() -> !fleet.latestIncidents().isEmpty());
    await("every device has a desired bundle").atMost(SETTLE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
        .until(() -> fleet.fleetView().values().stream().allMatch(e -> e.path("desiredBundle").isString()));
    settle("broker restart", before, null);
    assertThat(fleet.latestIncidents().values()).extracting(DriftIncident::deviceId)
        .containsAnyElementsOf(fleet.devices.stream().map(FaultDevice::id).toList());
  }

  /**
   * The proxied device loses its network (Kafka and registry) for {@link #OFFLINE} while it keeps
   * capturing frames, and the fleet gets a new rollout meanwhile (a job the operator starts for all
   * three devices). Its small offline queue (60 records) overflows: the oldest records are dropped
   * and counted. Back online, it drains its queue and lands on its latest desired bundle.
   */
  @Test
  @Order(2)
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // the offline time (at most 5 minutes) + job + settle
  void aDeviceOfflineForAWhileComesBackAndConverges() throws Exception {
    FaultDevice away = fleet.devices.get(fleet.devices.size() - 1);
    Map<String, Long> before = invariants.desiredGenerations();
    drift(CorruptionFamily.CONTRAST, 3);
    // the counter is cumulative (the broker restart before may have made this device drop too)
    long droppedBefore = away.dropped();
    long offlineSince = System.nanoTime();
    fleet.deviceKafka.cut();
    fleet.deviceRegistry.cut();
    String job = startJob();
    JsonNode done = awaitEnded(job);
    await("offline for " + OFFLINE.toSeconds() + " s, dropping by the queue bound")
        .atMost(OFFLINE.plus(Duration.ofMinutes(1))).pollInterval(Duration.ofMillis(500))
        .until(() -> System.nanoTime() - offlineSince >= OFFLINE.toNanos() && away.dropped() > droppedBefore);
    fleet.deviceRegistry.restore();
    fleet.deviceKafka.restore();
    settle("device offline", before, away);
  }

  /**
   * The registry is killed while the teacher trains a rollout (a job for all devices) and one device
   * cannot reach the registry when the rollout reaches it (its download fails): the registry comes
   * back, the job publishes once, and the device converges once it can download again.
   */
  @Test
  @Order(3)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void registryDownDuringARollout() throws Exception {
    FaultDevice cutOff = fleet.devices.get(fleet.devices.size() - 1);
    Map<String, Long> before = invariants.desiredGenerations();
    drift(CorruptionFamily.CONTRAST, 3);
    fleet.deviceRegistry.cut();
    long failedDownloads = downloadFailures(cutOff);
    String job = startJob();
    awaitJob(job, SETTLE, "TRAINING", "GATING", "PUBLISHED", "REJECTED", "FAILED");
    fleet.kill("model-registry");
    // down until the teacher has finished training and found it cannot register its bundle: the job
    // goes back to the queue (or ends)
    await("the outage reached the job (a run stopped, to be retried)").atMost(SETTLE)
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> history(job).stream()
            .anyMatch(m -> m.contains("will retry")));
    fleet.restart("model-registry");
    JsonNode done = awaitEnded(job);
    if (done.get("state").asString().equals("PUBLISHED")) {
      await("the cut-off device failed to download its new bundle").atMost(SETTLE)
          .until(() -> downloadFailures(cutOff) > failedDownloads);
    }
    fleet.deviceRegistry.restore();
    settle("registry down", before, null);
  }

  /**
   * The teacher is killed with SIGKILL while it trains a rollout and started again: the job resumes
   * (attempt 2) and registers and rolls out one version. TeacherLoopE2eTest checks the same on the
   * teacher alone; here the whole fleet must end consistent.
   */
  @Test
  @Order(4)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void teacherCrashMidJob() throws Exception {
    Map<String, Long> before = invariants.desiredGenerations();
    drift(CorruptionFamily.CONTRAST, 3);
    String job = startJob();
    JsonNode running = awaitJob(job, SETTLE, "TRAINING", "GATING", "PUBLISHED", "REJECTED", "FAILED");
    assertThat(running.get("state").asString()).as(running.toString()).isIn("TRAINING", "GATING");
    fleet.kill("cloud-teacher");
    fleet.restart("cloud-teacher");
    JsonNode done = awaitEnded(job);
    assertThat(done.get("attempt").asInt()).isGreaterThanOrEqualTo(2);
    settle("teacher crash", before, null);
  }

  /**
   * The fleet drifts into fog, a domain no bundle of the earlier scenarios knows. Once an incident
   * is open, the detector is killed with SIGKILL, three windows pass, and it is started again on
   * its state folder. The open incident must not be forgotten (it still ends, RECOVERED or FAILED,
   * after the drift passes) and none is opened twice for one device and domain.
   */
  @Test
  @Order(5)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void driftDetectorRestartWithOpenIncidents() throws Exception {
    Map<String, Long> before = invariants.desiredGenerations();
    java.util.Set<String> earlier = fleet.latestIncidents().keySet();
    // the return home after the last scenario started a new regime: let its baseline warm up
    // (16 windows by default) so the detector looks for changes again
    streamFor(20 * FaultDevice.WINDOW_FRAMES, Duration.ofSeconds(90));
    drift(CorruptionFamily.FOG, 5);
    await("a fog incident opened").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> fleet.latestIncidents().values().stream()
            .anyMatch(i -> !earlier.contains(i.incidentId()) && i.state() == DriftIncident.State.OPEN));
    java.util.Set<String> openAtKill = new java.util.HashSet<>(fleet.latestIncidents().keySet());
    openAtKill.removeAll(earlier);
    fleet.kill("drift-detector");
    streamFor(3 * FaultDevice.WINDOW_FRAMES, Duration.ofSeconds(30));
    fleet.restart("drift-detector");
    settle("detector restart", before, null);
    assertThat(fleet.latestIncidents()).as("incidents open when the detector was killed")
        .containsKeys(openAtKill.toArray(String[]::new));
    invariants.oneOpenIncidentPerDeviceAndDomain("detector restart");
  }

  /**
   * The private PostgreSQL cluster under the registry and the teacher is stopped at once (as a
   * crash) and started again while devices stream; afterwards an operator sets a desired state,
   * which must reach the device, and the teacher must store the samples uploaded since.
   */
  @Test
  @Order(6)
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void postgresRestart() throws Exception {
    assumeTrue(fleet.cluster != null, "no private PostgreSQL cluster here ("
        + PostgresCluster.unavailableReason().orElse("?") + "); the shared server is never restarted");
    Map<String, Long> before = invariants.desiredGenerations();
    fleet.cluster.restart();
    streamFor(3 * FaultDevice.WINDOW_FRAMES, Duration.ofSeconds(30));
    FaultDevice device = fleet.devices.get(0);
    String bundle = fleet.get(fleet.registry(), "/api/v1/fleet/" + device.id(), FaultFleet.OPERATOR)
        .get("desiredBundle").asString();
    await("the registry takes writes again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions().until(() -> fleet.put(fleet.registry(), "/api/v1/devices/" + device.id() + "/desired-state",
            Map.of("bundle", bundle), FaultFleet.OPERATOR) != null);
    invariants.assertAll("postgres restart", before, null, SETTLE);
    assertThat(invariants.desiredGenerations().get(device.id())).isGreaterThan(before.get(device.id()));
  }

  /** Every device's frames drift into a corruption from now on. */
  static void drift(CorruptionFamily family, int severity) {
    fleet.devices.forEach(d -> d.source.switchTo(family, severity));
  }

  /**
   * The drift passes: devices see clean frames again, so the incidents with an adapted bundle can
   * recover (their statistics return home) and no new one opens (a change towards home never
   * opens one). While the drift lasts and a bundle does not bring a statistic all the way home,
   * incidents end FAILED at their deadline and new ones open, so "every incident ended" is checked
   * once the drift has passed.
   */
  static void driftPasses() {
    fleet.devices.forEach(d -> d.source.switchTo(null, 0));
  }

  /** The drift passes, then every check of {@link FleetInvariants#assertAll}. */
  static void settle(String scenario, Map<String, Long> before, @org.jspecify.annotations.Nullable FaultDevice dropping)
      throws Exception {
    driftPasses();
    invariants.assertAll(scenario, before, dropping, SETTLE);
  }

  /** Waits until the job has ended and checks that it ended with a decision (not FAILED). */
  static JsonNode awaitEnded(String jobId) {
    JsonNode done = awaitJob(jobId, SETTLE, "PUBLISHED", "REJECTED", "FAILED");
    assertThat(done.get("state").asString()).as(done.toString()).isIn("PUBLISHED", "REJECTED");
    return done;
  }

  /** The messages of a job's history. */
  static java.util.List<String> history(String jobId) throws Exception {
    java.util.List<String> out = new java.util.ArrayList<>();
    fleet.get(fleet.teacher(), "/api/v1/jobs/" + jobId, FaultFleet.TEACHER_TOKEN).get("history")
        .forEach(h -> out.add(h.path("message").asString("")));
    return out;
  }

  /** Starts a teacher job for every device (an operator's rollout on demand) and returns its id. */
  static String startJob() throws Exception {
    return fleet.post(fleet.teacher(), "/api/v1/jobs", Map.of("deviceIds",
        fleet.devices.stream().map(FaultDevice::id).toList()), FaultFleet.TEACHER_TOKEN, 201).get("jobId").asString();
  }

  /** Waits until the job is in one of the states and returns it. */
  static JsonNode awaitJob(String jobId, Duration bound, String... states) {
    java.util.Set<String> wanted = java.util.Set.of(states);
    JsonNode[] found = new JsonNode[1];
    await("job " + jobId + " in " + wanted).atMost(bound).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> {
          found[0] = fleet.get(fleet.teacher(), "/api/v1/jobs/" + jobId, FaultFleet.TEACHER_TOKEN);
          return wanted.contains(found[0].get("state").asString());
        });
    return found[0];
  }

  static long downloadFailures(FaultDevice d) {
    return d.agent.updater().outcomes().getOrDefault(UpdateOutcome.DOWNLOAD_FAILED, 0L);
  }
}
