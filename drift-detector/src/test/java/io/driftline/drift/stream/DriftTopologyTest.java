package io.driftline.drift.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftIncident.State;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.TelemetryFixtures;
import io.driftline.drift.TelemetryFixtures.Domain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftTopologyTest {

  @TempDir
  Path stateDir;

  private DriverHarness harness;
  private final TelemetryFixtures fixtures = new TelemetryFixtures(17);
  private final Domain home = fixtures.home();

  @BeforeEach
  void start() {
    harness = new DriverHarness(stateDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  /** Sends windows {@code from} to {@code to - 1} of {@code device} drawn around {@code domain}. */
  private void run(String device, long from, long to, Domain domain, @Nullable BundleRef bundle) {
    for (long seq = from; seq < to; seq++) {
      harness.send(fixtures.window(device, seq, domain, bundle));
    }
  }

  @Test
  void stationaryTelemetryOpensNothing() {
    run("cam-1", 0, 400, home, null);

    assertThat(harness.published()).isEmpty();
    assertThat(harness.meters.counter("driftline.drift.windows").count()).isEqualTo(400);
  }

  @Test
  void aShiftOpensOneIncidentWithItsEvidenceWithinThreeWindows() {
    Domain fog = fixtures.drifted(8);
    run("cam-1", 0, 40, home, null);
    run("cam-1", 40, 80, fog, null);

    List<DriftIncident> events = harness.published();
    assertThat(events).hasSize(1);
    DriftIncident open = events.get(0);
    assertThat(open.state()).isEqualTo(State.OPEN);
    assertThat(open.deviceId()).isEqualTo("cam-1");
    assertThat(open.detector()).isIn("page-hinkley", "adwin");
    assertThat(open.statistic()).isIn("oodScore.mean", "meanEntropy", "meanHdcSimilarity");
    assertThat(open.statisticValue()).isPositive();
    assertThat(open.firstWindowSeq()).isBetween(38L, 41L);
    assertThat(open.lastWindowSeq()).isBetween(41L, 43L);
    assertThat(open.domainSignature()).isNotNull();
    assertThat(open.domainSignature().hammingSimilarity(fog.centre())).isGreaterThan(0.9);
    assertThat(open.groupId()).isEqualTo(open.incidentId());
    assertThat(open.openedAt()).isEqualTo(TelemetryFixtures.T0.plus(TelemetryFixtures.WINDOW.multipliedBy(open.lastWindowSeq() + 1)));
  }

  @Test
  void aDeviceWhoseStateLeftTheLiveObjectsIsReadBackFromTheStoreWithTheSameOutcome(@TempDir Path otherDir) {
    List<DriftIncident> direct = shiftOfCam1(harness, 0);
    List<DriftIncident> evicted;
    try (DriverHarness other = new DriverHarness(otherDir, Map.of(), 4)) {
      evicted = shiftOfCam1(other, 10);
    }
    assertThat(direct).hasSize(1);
    assertThat(evicted).isEqualTo(direct);
  }

  /** Sends cam-1 40 home then 40 drifted windows, with {@code others} other devices in between. */
  private static List<DriftIncident> shiftOfCam1(DriverHarness target, int others) {
    TelemetryFixtures cam = new TelemetryFixtures(17);
    Domain start = cam.home();
    Domain fog = cam.drifted(8);
    for (long seq = 0; seq < 40; seq++) {
      target.send(cam.window("cam-1", seq, start, null));
    }
    TelemetryFixtures filler = new TelemetryFixtures(99);
    Domain fillerHome = filler.home();
    for (int i = 0; i < others; i++) {
      target.send(filler.window("filler-" + i, 0, fillerHome, null));
    }
    for (long seq = 40; seq < 80; seq++) {
      target.send(cam.window("cam-1", seq, fog, null));
    }
    return target.published().stream().filter(e -> e.deviceId().equals("cam-1")).toList();
  }

  @Test
  void aSingleOutlierIsNotConfirmedByTheKsTest() {
    run("cam-1", 0, 40, home, null);
    harness.send(fixtures.window("cam-1", 40, fixtures.drifted(40), null));
    run("cam-1", 41, 120, home, null);

    assertThat(harness.published()).isEmpty();
    assertThat(harness.meters.counter("driftline.drift.alarms.rejected").count()).isPositive();
  }

  @Test
  void anActiveBundleThatBringsTheStatisticsBackRecoversTheIncident() {
    Domain fog = fixtures.drifted(8);
    BundleRef adapted = new BundleRef("bundle-fog", 1);
    run("cam-1", 0, 40, home, null);
    run("cam-1", 40, 60, fog, null);
    // The bundle is active; the adapted student sees fog almost like home.
    Domain adaptedFog = new Domain(home.ood() + 0.005, home.entropy(), home.similarity(), fog.centre());
    run("cam-1", 60, 70, adaptedFog, adapted);

    List<DriftIncident> events = harness.published();
    assertThat(events).extracting(DriftIncident::state).containsExactly(State.OPEN, State.ADAPTING, State.RECOVERED);
    assertThat(events).extracting(DriftIncident::incidentId).containsOnly(events.get(0).incidentId());
    assertThat(events).extracting(DriftIncident::groupId).containsOnly(events.get(0).incidentId());
    assertThat(events.get(1).lastWindowSeq()).isEqualTo(60);
    assertThat(events.get(2).lastWindowSeq()).isEqualTo(62);
  }

  @Test
  void theTeachersAdaptingUpdateIsNotRepeatedAndABundleThatDoesNotHelpFails() {
    Domain fog = fixtures.drifted(8);
    run("cam-1", 0, 40, home, null);
    run("cam-1", 40, 50, fog, null);
    DriftIncident open = harness.published().get(0);
    DriftIncident adapting = new DriftIncident(open.incidentId(), "cam-1", State.ADAPTING, open.detector(),
        open.statistic(), 0, open.openedAt(), open.openedAt().plusSeconds(5), open.firstWindowSeq(),
        open.lastWindowSeq(), open.domainSignature());
    harness.incidentsIn.pipeInput("cam-1", adapting);

    run("cam-1", 50, 50 + 60 + 1, fog, new BundleRef("bundle-useless", 1));

    // The teacher announced ADAPTING, so the new bundle does not make the detector announce it again.
    List<DriftIncident> events = harness.published();
    assertThat(events).extracting(DriftIncident::state).containsExactly(State.FAILED);
    assertThat(events.get(0).lastWindowSeq()).isEqualTo(110);
    assertThat(events.get(0).incidentId()).isEqualTo(open.incidentId());
  }

  @Test
  void theTeacherGivingUpEndsTheIncidentSoTheDomainCanOpenAgainLater() {
    Domain fog = fixtures.drifted(8);
    run("cam-1", 0, 40, home, null);
    run("cam-1", 40, 50, fog, null);
    DriftIncident open = harness.published().get(0);
    harness.incidentsIn.pipeInput("cam-1", new DriftIncident(open.incidentId(), "cam-1", State.FAILED,
        open.detector(), open.statistic(), 0, open.openedAt(), open.openedAt(), open.firstWindowSeq(),
        open.lastWindowSeq(), null));
    harness.published();

    run("cam-1", 50, 90, home, null);
    run("cam-1", 90, 120, fog, null);

    List<DriftIncident> events = harness.published();
    assertThat(events).extracting(DriftIncident::state).containsExactly(State.OPEN);
    assertThat(events.get(0).incidentId()).isNotEqualTo(open.incidentId());
  }

  @Test
  void atMostOneOpenIncidentPerDeviceAndDomain() {
    Domain fog3 = fixtures.drifted(8);
    Domain fog5 = new Domain(fog3.ood() + 0.15, fog3.entropy() + 0.15, fog3.similarity() - 0.08, fog3.centre());
    Domain rain = fixtures.withNewSignature(new Domain(fog5.ood() + 0.2, fog5.entropy() + 0.2,
        fog5.similarity() - 0.1, null));
    run("cam-1", 0, 40, home, null);
    run("cam-1", 40, 80, fog3, null);
    run("cam-1", 80, 120, fog5, null);
    List<DriftIncident> fogOnly = harness.published();
    assertThat(fogOnly).extracting(DriftIncident::state).containsExactly(State.OPEN);

    run("cam-1", 120, 160, rain, null);
    List<DriftIncident> rainToo = harness.published();
    assertThat(rainToo).extracting(DriftIncident::state).containsExactly(State.OPEN);
    assertThat(rainToo.get(0).incidentId()).isNotEqualTo(fogOnly.get(0).incidentId());
  }

  @Test
  void withoutSignaturesADeviceHasOneOpenIncident() {
    Domain fog = TelemetryFixtures.unsigned(fixtures.drifted(8));
    Domain worse = new Domain(fog.ood() + 0.3, fog.entropy() + 0.3, fog.similarity() - 0.2, null);
    run("cam-1", 0, 40, TelemetryFixtures.unsigned(home), null);
    run("cam-1", 40, 80, fog, null);
    run("cam-1", 80, 120, worse, null);

    assertThat(harness.published()).extracting(DriftIncident::state).containsExactly(State.OPEN);
  }

  @Test
  void devicesDriftingAlikeAtTheSameTimeShareAGroup() {
    Domain fog = fixtures.drifted(8);
    Domain snow = fixtures.drifted(8);
    for (String device : List.of("cam-a", "cam-b", "cam-c")) {
      run(device, 0, 40, fixtures.withNewSignature(home), null);
    }
    run("cam-a", 40, 50, fog, null);
    run("cam-b", 40, 50, fog, null);
    run("cam-c", 40, 50, snow, null);

    Map<String, DriftIncident> opened = harness.published().stream()
        .collect(java.util.stream.Collectors.toMap(DriftIncident::deviceId, i -> i));
    assertThat(opened).containsOnlyKeys("cam-a", "cam-b", "cam-c");
    assertThat(opened.get("cam-b").groupId()).isEqualTo(opened.get("cam-a").incidentId());
    assertThat(opened.get("cam-c").groupId()).isEqualTo(opened.get("cam-c").incidentId());
  }

  @Test
  void devicesDriftingAlikeFarApartInTimeDoNotShareAGroup() {
    Domain fog = fixtures.drifted(8);
    run("cam-a", 0, 40, home, null);
    run("cam-a", 40, 50, fog, null);
    // cam-b starts 2 hours later (720 windows of 10 s): outside the default 1 h span.
    run("cam-b", 720, 760, home, null);
    run("cam-b", 760, 770, fog, null);

    List<DriftIncident> opened = harness.published();
    assertThat(opened).hasSize(2);
    assertThat(opened.get(1).groupId()).isEqualTo(opened.get(1).incidentId());
  }

  @Test
  void replayedWindowsAreIgnored() {
    Domain fog = fixtures.drifted(8);
    run("cam-1", 0, 40, home, null);
    run("cam-1", 40, 50, fog, null);
    run("cam-1", 0, 50, fog, null);

    assertThat(harness.published()).hasSize(1);
    assertThat(harness.meters.counter("driftline.drift.windows.stale").count()).isEqualTo(50);
  }

  @Test
  void malformedTelemetryGoesToTheDeadLetterTopicWithItsReasonAndTheStreamCarriesOn() {
    run("cam-1", 0, 20, home, null);
    harness.rawTelemetry.pipeInput("cam-1", "not json".getBytes(StandardCharsets.UTF_8));
    TelemetryWindow good = fixtures.window("cam-1", 20, home, null);
    byte[] goodBytes = new EventSerializer<TelemetryWindow>().serialize("device.telemetry", good);
    harness.rawTelemetry.pipeInput("cam-2", goodBytes);
    String missingField = new String(goodBytes, StandardCharsets.UTF_8).replace("\"meanEntropy\"", "\"other\"");
    harness.rawTelemetry.pipeInput("cam-1", missingField.getBytes(StandardCharsets.UTF_8));
    harness.rawTelemetry.pipeInput(new TestRecord<>("cam-1", goodBytes,
        new RecordHeaders().add("ce_type", "io.driftline.drift.incident.v1".getBytes(StandardCharsets.UTF_8))));
    Domain fog = fixtures.drifted(8);
    run("cam-1", 20, 40, home, null);
    run("cam-1", 40, 50, fog, null);

    List<TestRecord<String, byte[]>> dead = harness.telemetryDlt.readRecordsToList();
    assertThat(dead).extracting(TestRecord::key).containsExactly("cam-1", "cam-2", "cam-1", "cam-1");
    assertThat(dead.get(0).value()).isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
    assertThat(dead).extracting(r -> reason(r)).satisfiesExactly(
        r -> assertThat(r).contains("device.telemetry").contains("not valid JSON"),
        r -> assertThat(r).contains("key 'cam-2' does not match the event's key 'cam-1'"),
        r -> assertThat(r).contains("required field 'meanEntropy' of TelemetryWindow is missing"),
        r -> assertThat(r).contains("header ce_type is 'io.driftline.drift.incident.v1'"));
    assertThat(header(dead.get(0), "kafka_dlt-original-topic")).isEqualTo("device.telemetry");
    assertThat(harness.published()).extracting(DriftIncident::state).containsExactly(State.OPEN);
    assertThat(harness.meters.counter("driftline.drift.dead-letters", "topic", "device.telemetry").count())
        .isEqualTo(4);
  }

  @Test
  void malformedIncidentUpdatesGoToTheirDeadLetterTopic() {
    harness.driver.createInputTopic("drift.incidents", new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())
        .pipeInput("cam-1", "{\"incidentId\":\"x\"}".getBytes(StandardCharsets.UTF_8));

    List<TestRecord<String, byte[]>> dead = harness.incidentsDlt.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(reason(dead.get(0))).contains("drift.incidents").contains("required field");
  }

  private static String reason(TestRecord<String, byte[]> record) {
    return header(record, DeadLetterReason.HEADER);
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s", name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
