package io.driftline.drift.bench;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.ChildProcess;
import io.driftline.drift.KafkaIo;
import io.driftline.drift.TelemetryFixtures;
import io.driftline.drift.config.DriftProperties;
import io.driftline.drift.incident.DeviceMonitor;
import io.driftline.drift.incident.DeviceState;
import io.driftline.drift.incident.DeviceStateSerde;
import io.driftline.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The drift detector's benchmark (docs/performance.md, section "Drift detector"). Off by default;
 * run it with {@code -Ddriftline.benchmark=true}. It writes {@code target/drift-benchmark.md}.
 *
 * <ul>
 *   <li>Detection delay per severity: 20 trials per corruption family and severity; each trial is a
 *       new device with 40 clean windows, then windows of the corrupted domain until an incident
 *       opens (at most 30). Delay = drifted windows seen when the incident opens.
 *   <li>False alarms: 10 devices × 1,000 stationary clean windows (the first 16 per device are the
 *       warm-up), incidents opened per 10,000 windows after warm-up.
 *   <li>Throughput: the processor step alone (deserialise, state read, detect, state write), and a
 *       real Streams instance (exactly-once) on the shared embedded broker, with 1 partition and 1
 *       stream thread and with 2 partitions and 2 threads; 3 runs each,
 *       median.
 * </ul>
 */
@EnabledIfSystemProperty(named = "driftline.benchmark", matches = "true")
class DriftBenchmark {

  private static final int TRIALS = 20;
  private static final int CLEAN_WINDOWS = 40;
  private static final int MAX_DRIFT_WINDOWS = 30;
  private static final int POOL = 600;
  private static final int STATIONARY_DEVICES = 10;
  private static final int STATIONARY_WINDOWS = 1_000;

  private final DriftProperties properties = DriftProperties.defaults();

  private final StringBuilder report = new StringBuilder();

  private void line(String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    System.out.println(text);
    report.append(text).append('\n');
  }

  @Test
  void run() throws Exception {
    line("# Drift detector benchmark");
    line("");
    line("Defaults: %s", properties.detection());
    line("Machine: %d processors, load average at start %s", Runtime.getRuntime().availableProcessors(), loadAverage());
    line("");
    if (!"throughput".equals(System.getProperty("driftline.benchmark.only"))) {
      detection();
    }
    if (!"detection".equals(System.getProperty("driftline.benchmark.only"))) {
      throughput();
    }
    line("");
    line("Load average at the end: %s", loadAverage());
    Path out = Path.of("target", "drift-benchmark.md");
    Files.writeString(out, report.toString());
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** Settings compared in the trade-off table: name and overrides of the defaults. */
  private static final List<Map.Entry<String, Map<String, String>>> SWEEP = List.of(
      Map.entry("defaults", Map.of()),
      Map.entry("eager: ph-lambda 6, ks-alpha 0.01, ks-min-post 2",
          Map.of("detection.ph-lambda", "6", "detection.ks-alpha", "0.01", "detection.ks-min-post", "2")),
      Map.entry("no KS confirmation (ks-alpha 0.999, ks-min-post 1)",
          Map.of("detection.ks-alpha", "0.999", "detection.ks-min-post", "1")),
      Map.entry("cautious: ph-lambda 20, ks-alpha 0.0001",
          Map.of("detection.ph-lambda", "20", "detection.ks-alpha", "0.0001")));

  /** What one setting achieved. */
  private record Evaluation(long monitored, int falseAlarms, int confirmedChanges, int rejectedAlarms,
      int preChangeAlarms, Map<String, List<Integer>> delays) {}

  private void detection() {
    long started = System.nanoTime();
    try (DevicePathTelemetry device = new DevicePathTelemetry(42)) {
      DevicePathTelemetry.Pool clean = device.clean();
      Map<String, DevicePathTelemetry.Pool> drifted = new java.util.LinkedHashMap<>();
      for (CorruptionFamily family : CorruptionFamily.values()) {
        for (int severity = 1; severity <= 5; severity++) {
          drifted.put(family.id() + "@" + severity,
              device.corrupted(family, severity, POOL, 1000L * family.ordinal() + severity));
        }
      }
      line("Device path: synthetic nano student over Fashion-MNIST; clean pool of %d frames, %d corrupted "
          + "pools of %d frames (%.0f s)", clean.size(), drifted.size(), POOL, (System.nanoTime() - started) / 1e9);

      Evaluation defaults = null;
      List<String> sweepRows = new ArrayList<>();
      for (Map.Entry<String, Map<String, String>> setting : SWEEP) {
        DriftProperties settings = DriftProperties.of(setting.getValue());
        Evaluation e = evaluate(new DeviceMonitor(settings), settings, device, clean, drifted);
        if (defaults == null) {
          defaults = e;
        }
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.2f | %d |", setting.getKey(),
            (e.falseAlarms() + e.preChangeAlarms()) * 10_000.0 / (e.monitored() + preChangeWindows(settings)),
            e.rejectedAlarms()));
        for (int severity = 1; severity <= 5; severity++) {
          List<Integer> all = severityDelays(e, severity);
          long hits = all.stream().filter(d -> d > 0).count();
          row.append(String.format(Locale.ROOT, " %s (%.0f %%) |", median(all.stream()
              .map(d -> d < 0 ? Integer.MAX_VALUE : d).toList()), 100.0 * hits / all.size()));
        }
        sweepRows.add(row.toString());
      }
      report(defaults);
      line("");
      line("## Trade-off: false alarms against delay (same telemetry, other settings)");
      line("");
      line("False alarms per 10,000 stationary windows (the stationary devices plus the clean windows before "
          + "each change); delay = median over all trials of a severity, undetected trials counting as "
          + "infinite ('-' when more than half are undetected), with the share detected within %d windows.",
          MAX_DRIFT_WINDOWS);
      line("");
      line("| setting | false alarms / 10k | alarms KS rejected | sev 1 | sev 2 | sev 3 | sev 4 | sev 5 |");
      line("|---|---:|---:|---:|---:|---:|---:|---:|");
      sweepRows.forEach(row -> line("%s", row));
      line("");
      line("Detection part took %.0f s", (System.nanoTime() - started) / 1e9);
    }
  }

  private long preChangeWindows(DriftProperties settings) {
    return (long) CorruptionFamily.values().length * 5 * TRIALS
        * (CLEAN_WINDOWS - settings.detection().warmupWindows());
  }

  private static List<Integer> severityDelays(Evaluation e, int severity) {
    List<Integer> all = new ArrayList<>();
    e.delays().forEach((cell, delays) -> {
      if (cell.endsWith("@" + severity)) {
        all.addAll(delays);
      }
    });
    return all;
  }

  private Evaluation evaluate(DeviceMonitor monitor, DriftProperties settings, DevicePathTelemetry device,
      DevicePathTelemetry.Pool clean, Map<String, DevicePathTelemetry.Pool> drifted) {
    SplittableRandom random = new SplittableRandom(7);
    int falseAlarms = 0;
    int confirmedChanges = 0;
    int rejectedAlarms = 0;
    long monitored = 0;
    for (int d = 0; d < STATIONARY_DEVICES; d++) {
      DeviceState state = monitor.newState("stationary-" + d);
      for (int seq = 0; seq < STATIONARY_WINDOWS; seq++) {
        DeviceMonitor.Outcome outcome = monitor.onWindow(state, device.window("stationary-" + d, seq, clean, random));
        falseAlarms += (int) outcome.changes().stream().filter(c -> c.state() == DriftIncident.State.OPEN).count();
        confirmedChanges += outcome.confirmed() ? 1 : 0;
        rejectedAlarms += outcome.alarmRejected() ? 1 : 0;
        monitored += seq >= settings.detection().warmupWindows() ? 1 : 0;
      }
    }
    int preChangeAlarms = 0;
    Map<String, List<Integer>> delays = new java.util.LinkedHashMap<>();
    int cell = 0;
    for (Map.Entry<String, DevicePathTelemetry.Pool> entry : drifted.entrySet()) {
      List<Integer> cellDelays = new ArrayList<>();
      for (int trial = 0; trial < TRIALS; trial++) {
        String id = entry.getKey() + "-" + trial;
        DeviceState state = monitor.newState(id);
        SplittableRandom r = new SplittableRandom(31L * trial + 1009L * cell);
        int delay = -1;
        for (int seq = 0; seq < CLEAN_WINDOWS + MAX_DRIFT_WINDOWS && delay < 0; seq++) {
          DevicePathTelemetry.Pool pool = seq < CLEAN_WINDOWS ? clean : entry.getValue();
          boolean opened = monitor.onWindow(state, device.window(id, seq, pool, r)).changes().stream()
              .anyMatch(c -> c.state() == DriftIncident.State.OPEN);
          if (opened && seq < CLEAN_WINDOWS) {
            preChangeAlarms++;
          } else if (opened) {
            delay = seq - CLEAN_WINDOWS + 1;
          }
        }
        cellDelays.add(delay);
      }
      delays.put(entry.getKey(), cellDelays);
      cell++;
    }
    return new Evaluation(monitored, falseAlarms, confirmedChanges, rejectedAlarms, preChangeAlarms, delays);
  }

  private void report(Evaluation e) {
    line("");
    line("## False alarms (stationary clean telemetry, default settings)");
    line("");
    line("| windows after warm-up | incidents opened | per 10,000 windows | confirmed changes | alarms the KS test rejected |");
    line("|---:|---:|---:|---:|---:|");
    line("| %d | %d | %.2f | %d | %d |", e.monitored(), e.falseAlarms(), e.falseAlarms() * 10_000.0 / e.monitored(),
        e.confirmedChanges(), e.rejectedAlarms());
    line("");
    line("Incidents opened during the clean windows before a change (also false alarms): %d in %d windows",
        e.preChangeAlarms(), preChangeWindows(properties));
    line("");
    line("## Detection delay, default settings (windows of %d frames after the change; %d trials per cell; "
        + "median (detected within %d windows); '-' = more than half not detected)",
        DevicePathTelemetry.FRAMES_PER_WINDOW, TRIALS, MAX_DRIFT_WINDOWS);
    line("");
    line("| family | sev 1 | sev 2 | sev 3 | sev 4 | sev 5 |");
    line("|---|---:|---:|---:|---:|---:|");
    for (CorruptionFamily family : CorruptionFamily.values()) {
      StringBuilder row = new StringBuilder("| " + family.id() + " |");
      for (int severity = 1; severity <= 5; severity++) {
        List<Integer> delays = e.delays().get(family.id() + "@" + severity);
        long hits = delays.stream().filter(d -> d > 0).count();
        row.append(String.format(Locale.ROOT, " %s (%d/%d) |",
            median(delays.stream().map(d -> d < 0 ? Integer.MAX_VALUE : d).toList()), hits, TRIALS));
      }
      line("%s", row);
    }
    line("");
    line("| severity | detected | median delay of detected (windows) | 90th percentile of detected |");
    line("|---:|---:|---:|---:|");
    for (int severity = 1; severity <= 5; severity++) {
      List<Integer> all = severityDelays(e, severity);
      List<Integer> hits = all.stream().filter(d -> d > 0).sorted().toList();
      line("| %d | %d/%d (%.0f %%) | %s | %s |", severity, hits.size(), all.size(), 100.0 * hits.size() / all.size(),
          hits.isEmpty() ? "-" : median(hits), hits.isEmpty() ? "-" : hits.get((int) Math.floor(0.9 * (hits.size() - 1))));
    }
  }

  private static String median(List<Integer> values) {
    List<Integer> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    double m = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + (double) sorted.get(n / 2)) / 2;
    return m >= Integer.MAX_VALUE / 2.0 ? "-" : (m == Math.rint(m) ? String.valueOf((int) m) : String.valueOf(m));
  }

  private void throughput() throws Exception {
    int devices = 1_000;
    int events = Integer.getInteger("driftline.benchmark.events", 1_000_000);
    List<TelemetryWindow> windows = new ArrayList<>(events);
    TelemetryFixtures fixtures = new TelemetryFixtures(3);
    List<TelemetryFixtures.Domain> homes = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      homes.add(fixtures.home());
    }
    for (int i = 0; i < events; i++) {
      int d = i % devices;
      windows.add(fixtures.window("device-" + d, i / devices, homes.get(d), null));
    }
    EventSerializer<TelemetryWindow> serializer = new EventSerializer<>();
    List<byte[]> bytes = windows.stream().map(w -> serializer.serialize("device.telemetry", w)).toList();
    line("");
    line("## Throughput (%d devices, %d windows of %d bytes on average, %d-bit signatures)", devices, events,
        bytes.stream().mapToInt(b -> b.length).sum() / events, TelemetryFixtures.SIGNATURE_BITS);
    line("");

    double[] processor = new double[3];
    for (int run = -1; run < 3; run++) {
      double rate = processorRate(bytes);
      if (run >= 0) {
        processor[run] = rate;
      }
    }
    line("| measurement | run 1 | run 2 | run 3 | median |");
    line("|---|---:|---:|---:|---:|");
    line("| processor step alone (events/s) | %.0f | %.0f | %.0f | **%.0f** |", processor[0], processor[1],
        processor[2], medianOf(processor));

    String bootstrap = KafkaTestBroker.bootstrap();
    for (int partitions = 1; partitions <= 2; partitions++) {
      // One stream thread per partition: the instance's tasks are per partition.
      String input = "device.telemetry.bench-" + UUID.randomUUID();
      KafkaIo.createTopics(bootstrap, partitions, input, input + "-dlt");
      try (KafkaProducer<String, TelemetryWindow> producer = KafkaIo.telemetryProducer(bootstrap)) {
        KafkaIo.send(producer, input, windows);
      }
      // With -Ddriftline.benchmark.compare=true each run with the throughput settings is followed by
      // one with Kafka Streams' defaults, so both see about the same load from other processes.
      boolean compare = Boolean.getBoolean("driftline.benchmark.compare");
      double[] streams = new double[3];
      double[] defaults = new double[3];
      for (int run = 0; run < 3; run++) {
        streams[run] = streamsRate(bootstrap, input, partitions, events, true);
        if (compare) {
          defaults[run] = streamsRate(bootstrap, input, partitions, events, false);
        }
      }
      line("| Kafka Streams instance (own JVM), %d partition(s), %d stream thread(s), exactly_once_v2, commit 1 s, embedded broker (events/s) | %.0f | %.0f | %.0f | **%.0f** |",
          partitions, partitions, streams[0], streams[1], streams[2], medianOf(streams));
      if (compare) {
        line("| the same with Kafka Streams' defaults for cache, polls, fetches, batches (events/s) | %.0f | %.0f | %.0f | **%.0f** |",
            defaults[0], defaults[1], defaults[2], medianOf(defaults));
      }
    }
  }

  private double processorRate(List<byte[]> bytes) {
    DeviceMonitor monitor = new DeviceMonitor(properties);
    DeviceStateSerde serde = new DeviceStateSerde(properties);
    EventDeserializer<TelemetryWindow> deserializer = new EventDeserializer<>(TelemetryWindow.class);
    Map<String, byte[]> store = new HashMap<>();
    long start = System.nanoTime();
    for (byte[] value : bytes) {
      TelemetryWindow w = deserializer.deserialize("device.telemetry", value);
      byte[] stored = store.get(w.deviceId());
      DeviceState state = stored == null ? monitor.newState(w.deviceId()) : serde.read(stored);
      monitor.onWindow(state, w);
      store.put(w.deviceId(), serde.write(state));
    }
    return bytes.size() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs one Streams instance in its own JVM over the pre-filled input and returns events per
   * second between its first and its last commit (so JVM start and rebalancing are not counted).
   */
  private double streamsRate(String bootstrap, String input, int partitions, int events,
      boolean throughputSettings) throws Exception {
    String suffix = ".bench-" + UUID.randomUUID();
    String incidents = "drift.incidents" + suffix;
    KafkaIo.createTopics(bootstrap, partitions, incidents, incidents + "-dlt");
    String appId = "drift-detector" + suffix;
    Path dir = Files.createTempDirectory("drift-bench");
    Process child = ChildProcess.start(dir, "bench", bootstrap, appId, input, incidents, partitions,
        throughputSettings);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      long firstCommitAt = 0;
      long firstCommitted = 0;
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
            .partitionsToOffsetAndMetadata().get();
        long done = 0;
        for (int p = 0; p < partitions; p++) {
          OffsetAndMetadata offset = committed.get(new TopicPartition(input, p));
          done += offset == null ? 0 : offset.offset();
        }
        long now = System.nanoTime();
        if (done > 0 && firstCommitAt == 0) {
          firstCommitAt = now;
          firstCommitted = done;
        }
        if (done >= events) {
          return (done - firstCommitted) / ((now - firstCommitAt) / 1e9);
        }
        if (now > nextProgress) {
          System.out.printf(Locale.ROOT, "streams run: %d / %d events committed%n", done, events);
          nextProgress += TimeUnit.SECONDS.toNanos(5);
        }
        Thread.sleep(20);
      }
      throw new AssertionError("the Streams instance did not process " + events + " events in 5 minutes; log in " + dir);
    } finally {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The 1, 5 and 15 minute load averages (Linux), so a reader can tell a busy machine. */
  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static double medianOf(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
