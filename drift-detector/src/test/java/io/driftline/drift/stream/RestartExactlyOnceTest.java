package io.driftline.drift.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.ChildProcess;
import io.driftline.drift.KafkaIo;
import io.driftline.drift.TelemetryFixtures;
import io.driftline.drift.TelemetryFixtures.Domain;
import io.driftline.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the Streams application with SIGKILL in the middle of the stream, restarts it on an empty
 * state directory (so its state comes back from the changelog), and checks with a
 * {@code read_committed} consumer that every incident event the same input yields in a
 * {@link org.apache.kafka.streams.TopologyTestDriver} run is published exactly once.
 */
class RestartExactlyOnceTest {

  private static final int DEVICES = 8;
  private static final int WINDOWS = 200;

  @TempDir
  Path temp;

  /** Per device: home, then fog from 40; even devices get a helpful bundle at 80, odd ones a useless one. */
  private static List<List<TelemetryWindow>> input() {
    TelemetryFixtures fixtures = new TelemetryFixtures(99);
    Domain fog = fixtures.drifted(8);
    List<List<TelemetryWindow>> perDevice = new ArrayList<>();
    for (int d = 0; d < DEVICES; d++) {
      String device = "cam-" + d;
      Domain home = fixtures.withNewSignature(fixtures.home());
      Domain adapted = new Domain(home.ood() + 0.005, home.entropy(), home.similarity(), fog.centre());
      List<TelemetryWindow> windows = new ArrayList<>();
      for (long seq = 0; seq < WINDOWS; seq++) {
        BundleRef bundle = seq >= 80 ? new BundleRef("bundle-" + d, 1) : null;
        Domain domain = seq < 40 ? home : seq >= 80 && d % 2 == 0 ? adapted : fog;
        windows.add(fixtures.window(device, seq, domain, bundle));
      }
      perDevice.add(windows);
    }
    return perDevice;
  }

  /** Interleaves the devices' windows from {@code from} to {@code to}, as a fleet would send them. */
  private static List<TelemetryWindow> slice(List<List<TelemetryWindow>> perDevice, int from, int to) {
    List<TelemetryWindow> out = new ArrayList<>();
    for (int seq = from; seq < to; seq++) {
      for (List<TelemetryWindow> device : perDevice) {
        out.add(device.get(seq));
      }
    }
    return out;
  }

  private static String eventKey(DriftIncident i) {
    return i.incidentId() + "/" + i.state() + "/" + i.lastWindowSeq();
  }

  private List<String> expected(List<List<TelemetryWindow>> perDevice) {
    try (DriverHarness reference = new DriverHarness(temp.resolve("reference"))) {
      slice(perDevice, 0, WINDOWS).forEach(reference::send);
      return reference.published().stream().map(RestartExactlyOnceTest::eventKey).sorted().toList();
    }
  }

  @Test
  void killMidStreamAndRestartLosesAndDuplicatesNoIncident() throws Exception {
    String bootstrap = KafkaTestBroker.bootstrap();
    String suffix = ".eos-" + UUID.randomUUID();
    String telemetry = "device.telemetry" + suffix;
    String incidents = "drift.incidents" + suffix;
    KafkaIo.createTopics(bootstrap, 3, telemetry, incidents, telemetry + "-dlt", incidents + "-dlt");
    String appId = "drift-detector" + suffix;
    List<List<TelemetryWindow>> perDevice = input();
    List<String> expected = expected(perDevice);
    // Every device opens; even ones recover, odd ones fail at their deadline.
    assertThat(expected).hasSize(3 * DEVICES);

    List<DriftIncident> beforeKill;
    try (KafkaProducer<String, TelemetryWindow> producer = KafkaIo.telemetryProducer(bootstrap)) {
      KafkaIo.send(producer, telemetry, slice(perDevice, 0, 60));
      Process first = ChildProcess.start(temp, "first", bootstrap, appId, telemetry, incidents);
      try {
        // Wait until the first instance has committed some incidents, keep the fleet sending, and
        // kill it while windows are still arriving.
        KafkaIo.readCommittedIncidents(bootstrap, incidents, read -> read.size() >= DEVICES / 2,
            Duration.ofSeconds(60), Duration.ZERO);
        for (int seq = 60; seq < 120; seq += 5) {
          KafkaIo.send(producer, telemetry, slice(perDevice, seq, seq + 5));
          Thread.sleep(50);
        }
      } finally {
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      beforeKill = KafkaIo.readCommittedIncidents(bootstrap, incidents, read -> true, Duration.ofSeconds(5),
          Duration.ofSeconds(2));
      KafkaIo.send(producer, telemetry, slice(perDevice, 120, WINDOWS));
    }
    assertThat(beforeKill.size()).as("killed mid-stream").isBetween(DEVICES / 2, expected.size() - 1);

    Process second = ChildProcess.start(temp, "second", bootstrap, appId, telemetry, incidents);
    List<DriftIncident> published;
    try {
      published = KafkaIo.readCommittedIncidents(bootstrap, incidents, read -> read.size() >= expected.size(),
          Duration.ofSeconds(120), Duration.ofSeconds(3));
    } finally {
      second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    List<String> keys = published.stream().map(RestartExactlyOnceTest::eventKey).toList();
    Set<String> unique = new HashSet<>(keys);
    assertThat(keys).as("no duplicates").hasSameSizeAs(unique);
    assertThat(keys.stream().sorted().toList()).as("nothing lost, nothing extra").isEqualTo(expected);
    Map<String, Set<String>> groups = published.stream().collect(Collectors.groupingBy(
        DriftIncident::incidentId, Collectors.mapping(DriftIncident::groupId, Collectors.toSet())));
    assertThat(groups.values()).as("one group per incident across the restart").allMatch(g -> g.size() == 1);
  }
}
