package io.driftline.sandbox.scale;

import io.driftline.agent.update.UpdateOutcome;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.Topics;
import io.driftline.core.update.VisualPrompt;
import io.driftline.sandbox.IncidentFollower;
import io.driftline.sandbox.ServiceApi;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The scale run: enrols {@code devices} light devices ({@link LightFleet}) against the running
 * services, plays their streams for {@code seconds}, and measures, under that load, the cloud's
 * ingest rates (telemetry windows the detector counted, samples the teacher stored), adaptation
 * latency (first drifted frame → incident → desired bundle → reported), a rollout's fan-out to every
 * device, catalog query latency with every device in the graph, and each process's CPU and
 * resident memory. Writes {@code scale.json} into the run folder and prints the headline lines.
 */
public final class ScaleRun {

  /** Frame rate per device class: a microcontroller 10, a smart camera 15, a gateway 25 frames per second. */
  public static final Map<String, Double> FPS = Map.of("mcu", 10.0, "camera", 15.0, "gateway", 25.0);
  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final long SAMPLE_MILLIS = 5000;
  private static final int QUERIES = 100;

  private final ScaleSystem system;
  private final int devices;
  private final int seconds;
  private final int windowFrames;
  private final ServiceApi registry;
  private final ServiceApi catalog;
  private final Map<String, Long> incidentAt = new ConcurrentHashMap<>();
  private final ObjectNode result = JSON.createObjectNode();

  /** A run of {@code devices} light devices for {@code seconds}, with {@code windowFrames} frames per telemetry window. */
  public ScaleRun(ScaleSystem system, int devices, int seconds, int windowFrames) {
    this.system = system;
    this.devices = devices;
    this.seconds = seconds;
    this.windowFrames = windowFrames;
    this.registry = new ServiceApi("model-registry", system.registryUrl(), system.adminToken());
    this.catalog = new ServiceApi("semantic-catalog", system.catalogUrl(), null);
  }

  /** Runs and returns the path of {@code scale.json}. */
  public Path run() throws Exception {
    result.put("devices", devices);
    result.put("seconds", seconds);
    result.put("windowFrames", windowFrames);
    result.putPOJO("fps", FPS);
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("startedAt", Instant.now().toString());
    result.put("loadAverageBefore", loadAverage());
    ProcessMeter meter = new ProcessMeter(system.processes());
    try (LightFleet fleet = new LightFleet(system, windowFrames, FPS);
        IncidentFollower follower = new IncidentFollower(system.kafka(), this::onIncident)) {
      long t = System.nanoTime();
      long frames = fleet.precompute();
      result.put("precomputeSeconds", secondsSince(t));
      say("precomputed %d frame results with the real students in %.1f s", frames, secondsSince(t));

      t = System.nanoTime();
      fleet.enrol(0, devices, 4);
      double enrolSeconds = secondsSince(t);
      result.put("enrolSeconds", enrolSeconds);
      result.put("enrolmentsPerSecond", devices / enrolSeconds);
      say("enrolled %d light devices over REST in %.1f s (%.0f per second)", devices, enrolSeconds, devices / enrolSeconds);

      follower.start();
      fleet.start(5);
      play(fleet, meter);
      adaptation(fleet);
      fanOut(fleet);
      fleet.stopPlaying();
      result.put("samplesDeliveredAtEnd", fleet.senderCounts(Topics.DEVICE_SAMPLES)[0]);
      result.put("telemetryWindowsDeliveredAtEnd", fleet.senderCounts(Topics.DEVICE_TELEMETRY)[0]);
      result.put("loadAverageAfter", loadAverage());
      result.put("desiredStateRecords", fleet.desiredRecords());
      result.put("senders", fleet.senderCount());
    }
    Path file = system.out().resolve("scale.json");
    Files.writeString(file, JSON.writeValueAsString(result));
    say("scale results: %s", file);
    return file;
  }

  private void onIncident(DriftIncident i) {
    if (i.state() == DriftIncident.State.OPEN) {
      incidentAt.putIfAbsent(i.deviceId(), System.nanoTime());
    }
  }

  /** Plays for {@code seconds}, sampling every 5 s; the second half is the steady-state window. */
  private void play(LightFleet fleet, ProcessMeter meter) throws Exception {
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long half = start + seconds * 500_000_000L;
    ArrayNode timeline = result.putArray("timeline");
    Snapshot first = snapshot(fleet, meter);
    Snapshot mid = null;
    Thread queries = null;
    Snapshot last = first;
    double maxLate = 0;
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(SAMPLE_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      Snapshot s = snapshot(fleet, meter);
      double late = fleet.maxLateSeconds();
      maxLate = Math.max(maxLate, late);
      ObjectNode point = timeline.addObject();
      point.put("t", (s.nanos - start) / 1e9);
      point.put("frames", s.frames);
      point.put("windowsSent", s.windowsSent);
      point.put("samplesSent", s.samplesSent);
      point.put("detectorWindows", s.detectorWindows);
      point.put("teacherSamples", s.teacherSamples);
      point.put("incidents", incidentAt.size());
      point.put("maxFrameLatenessSeconds", late);
      point.put("loadAverage", loadAverage());
      double dt = (s.nanos - last.nanos) / 1e9;
      say("%.0f s: %.0f frames/s, %.0f windows/s sent, %.0f counted by the detector, %.0f samples/s sent, %.0f stored "
              + "by the teacher; %d devices with an incident; frames up to %.1f s late; load %s",
          (s.nanos - start) / 1e9, (s.frames - last.frames) / dt, (s.windowsSent - last.windowsSent) / dt,
          (s.detectorWindows - last.detectorWindows) / dt, (s.samplesSent - last.samplesSent) / dt,
          (s.teacherSamples - last.teacherSamples) / dt, incidentAt.size(), late, loadAverage());
      last = s;
      if (mid == null && s.nanos >= half) {
        mid = s;
        List<LightDevice> all = fleet.devices();
        queries = new Thread(() -> catalogQueries(all), "scale-catalog-queries");
        queries.start();
      }
    }
    if (queries != null) {
      queries.join(300_000);
    }
    Snapshot fin = snapshot(fleet, meter);
    steadyState(mid == null ? first : mid, fin);
    ObjectNode steady = (ObjectNode) result.get("steadyState");
    steady.put("nominalFramesPerSecond", fleet.devices().stream().mapToDouble(d -> d.fps).sum());
    steady.put("maxFrameLatenessSeconds", maxLate);
    steady.setAll(ConsumerLag.read(system.kafka(), List.of(Topics.DEVICE_TELEMETRY, Topics.DEVICE_SAMPLES)));
    say("consumer lag at the end of play: %s; frames were at most %.1f s late", steady.path("consumerLag"), maxLate);
    ObjectNode totals = result.putObject("totals");
    totals.put("frames", fin.frames);
    totals.put("telemetryWindowsDelivered", fin.windowsSent);
    totals.put("telemetryWindowsCountedByDetector", fin.detectorWindows);
    totals.put("samplesDelivered", fin.samplesSent);
    totals.put("samplesStoredByTeacher", fin.teacherSamples);
    totals.put("devicesThatSentTelemetry", fleet.devices().stream().filter(d -> d.windows() > 0).count());
    totals.put("devicesThatUploadedSamples", fleet.devices().stream().filter(d -> d.uploadedSamples() > 0).count());
    totals.put("telemetryFailed", fleet.senderCounts(Topics.DEVICE_TELEMETRY)[1]);
    totals.put("samplesFailed", fleet.senderCounts(Topics.DEVICE_SAMPLES)[1]);
    ArrayNode ids = result.putArray("deviceIds");
    fleet.devices().forEach(d -> ids.add(d.deviceId()));
  }

  private record Snapshot(long nanos, long frames, long windowsSent, long samplesSent, long sampleBytes,
      long detectorWindows, long teacherSamples, long outboxPublished, ProcessMeter.Reading reading,
      long[] machine) {}

  private Snapshot snapshot(LightFleet fleet, ProcessMeter meter) {
    long frames = 0;
    long bytes = 0;
    for (LightDevice d : fleet.devices()) {
      frames += d.frames();
      bytes += d.uploadedBytes();
    }
    long[] telemetry = fleet.senderCounts(Topics.DEVICE_TELEMETRY);
    long[] samples = fleet.senderCounts(Topics.DEVICE_SAMPLES);
    return new Snapshot(System.nanoTime(), frames, telemetry[0], samples[0], bytes,
        (long) metric(system.detectorUrl(), "driftline_drift_windows_total"),
        (long) metric(system.teacherUrl(), "driftline_teacher_samples_ingested_total"),
        (long) metric(system.registryUrl(), "driftline_registry_outbox_published_total"),
        meter.read(), machineTicks());
  }

  private void steadyState(Snapshot a, Snapshot b) {
    double dt = (b.nanos - a.nanos) / 1e9;
    ObjectNode s = result.putObject("steadyState");
    s.put("seconds", dt);
    s.put("framesPerSecond", (b.frames - a.frames) / dt);
    s.put("telemetryWindowsSentPerSecond", (b.windowsSent - a.windowsSent) / dt);
    s.put("telemetryWindowsCountedByDetectorPerSecond", (b.detectorWindows - a.detectorWindows) / dt);
    s.put("samplesSentPerSecond", (b.samplesSent - a.samplesSent) / dt);
    s.put("samplesStoredByTeacherPerSecond", (b.teacherSamples - a.teacherSamples) / dt);
    s.put("sampleKilobytesPerSecond", (b.sampleBytes - a.sampleBytes) / dt / 1024);
    long busy = b.machine[0] - a.machine[0];
    long total = b.machine[1] - a.machine[1];
    s.put("machineBusyCores", total == 0 ? 0 : Runtime.getRuntime().availableProcessors() * (double) busy / total);
    ObjectNode cores = s.putObject("cpuCores");
    ObjectNode perDevice = s.putObject("cpuMillicoresPerDevice");
    ObjectNode rss = s.putObject("rssMegabytes");
    double ours = 0;
    for (Map.Entry<String, Double> e : b.reading.cpuSeconds().entrySet()) {
      double used = (e.getValue() - a.reading.cpuSeconds().getOrDefault(e.getKey(), 0.0)) / dt;
      ours += used;
      cores.put(e.getKey(), used);
      perDevice.put(e.getKey(), 1000 * used / devices);
      rss.put(e.getKey(), b.reading.rssBytes().get(e.getKey()) / 1e6);
    }
    double fleetThreads = (b.reading.fleetThreadSeconds() - a.reading.fleetThreadSeconds()) / dt;
    cores.put("sandbox.fleetThreads", fleetThreads);
    perDevice.put("sandbox.fleetThreads", 1000 * fleetThreads / devices);
    s.put("ourCores", ours);
    s.put("otherCores", Math.max(0, s.path("machineBusyCores").asDouble() - ours));
    say("steady state over %.0f s: %.0f telemetry windows/s and %.0f samples/s sent; the detector counted %.0f windows/s, "
            + "the teacher stored %.0f samples/s; CPU cores %s; machine busy %.2f of %d cores (others %.2f)",
        dt, s.path("telemetryWindowsSentPerSecond").asDouble(), s.path("samplesSentPerSecond").asDouble(),
        s.path("telemetryWindowsCountedByDetectorPerSecond").asDouble(), s.path("samplesStoredByTeacherPerSecond").asDouble(),
        compact(cores), s.path("machineBusyCores").asDouble(), Runtime.getRuntime().availableProcessors(),
        s.path("otherCores").asDouble());
    say("resident memory MB: %s", compact(rss));
  }

  /** Per device: first drifted frame → incident opened → first teacher bundle desired → reported. */
  private void adaptation(LightFleet fleet) {
    List<Double> detect = new ArrayList<>();
    List<Double> bundle = new ArrayList<>();
    List<Double> install = new ArrayList<>();
    List<Double> total = new ArrayList<>();
    int drifted = 0;
    for (LightDevice d : fleet.devices()) {
      long onset = d.firstDriftNanos();
      if (onset < 0) {
        continue;
      }
      drifted++;
      Long incident = incidentAt.get(d.deviceId());
      if (incident == null) {
        continue;
      }
      detect.add((incident - onset) / 1e9);
      Map.Entry<String, Long> desired = d.desiredAt.entrySet().stream().filter(e -> e.getKey().startsWith("adapt."))
          .min(Map.Entry.comparingByValue()).orElse(null);
      if (desired == null) {
        continue;
      }
      bundle.add((desired.getValue() - incident) / 1e9);
      Long reported = d.reportedAt.get(desired.getKey());
      if (reported != null) {
        install.add((reported - desired.getValue()) / 1e9);
        total.add((reported - onset) / 1e9);
      }
    }
    ObjectNode a = result.putObject("adaptation");
    a.put("driftedDevices", drifted);
    a.put("withIncident", detect.size());
    a.put("withBundleDesired", bundle.size());
    a.put("withBundleReported", total.size());
    a.set("onsetToIncidentSeconds", quantiles(detect));
    a.set("incidentToDesiredSeconds", quantiles(bundle));
    a.set("desiredToReportedSeconds", quantiles(install));
    a.set("onsetToReportedSeconds", quantiles(total));
    say("adaptation: %d devices drifted, %d with an incident, %d got a teacher bundle, %d reported it; "
            + "onset→incident %s, incident→desired %s, desired→reported %s, onset→reported %s (p50/p99 s)",
        drifted, detect.size(), bundle.size(), total.size(), pq(detect), pq(bundle), pq(install), pq(total));
  }

  /**
   * Rolls a fresh bundle out to every device (one rollout per student, by device id), and measures
   * how long until each device has received its desired state and reported the bundle active.
   */
  private void fanOut(LightFleet fleet) throws Exception {
    PrivateKey key = Ed25519Keys.readPrivateKey(system.teacherKey());
    Map<String, List<LightDevice>> byStudent = new LinkedHashMap<>();
    for (LightDevice d : fleet.devices()) {
      byStudent.computeIfAbsent(d.student, s -> new ArrayList<>()).add(d);
    }
    Map<String, String> target = new HashMap<>();
    Map<String, String> bundles = new LinkedHashMap<>();
    for (Map.Entry<String, List<LightDevice>> e : byStudent.entrySet()) {
      // above every version a device of this student runs, or the devices refuse it as a rollback
      long version = e.getValue().stream().mapToLong(LightDevice::activeVersion).max().orElse(0) + 1;
      String model = "scale.fanout." + e.getKey().replace(':', '-');
      bundles.put(e.getKey(), registerBundle(model, version, e.getKey(), key));
    }
    double outbox0 = metric(system.registryUrl(), "driftline_registry_outbox_published_total");
    long t0 = System.nanoTime();
    int set = 0;
    for (Map.Entry<String, List<LightDevice>> e : byStudent.entrySet()) {
      List<String> ids = e.getValue().stream().map(LightDevice::deviceId).toList();
      JsonNode answer = registry.expect(registry.post("/api/v1/rollouts", Map.of("bundle", bundles.get(e.getKey()),
          "cohort", Map.of("deviceIds", ids))), "rollout of " + bundles.get(e.getKey()), 200, 201);
      set += answer.path("deviceCount").asInt();
      e.getValue().forEach(d -> target.put(d.deviceId(), bundles.get(e.getKey())));
    }
    double postSeconds = secondsSince(t0);
    long deadline = t0 + 300_000_000_000L;
    List<LightDevice> all = fleet.devices();
    double outboxAtDesired = Double.NaN;
    long outboxReadAt = t0;
    // a device is done when it reported the rollout's bundle, or when that desired state gave way to a
    // teacher bundle (the fleet keeps playing its drift, so adaptation jobs go on publishing)
    while (System.nanoTime() < deadline && !all.stream().allMatch(d -> d.reportedAt.containsKey(target.get(d.deviceId()))
        || d.superseded(target.get(d.deviceId())))) {
      if (Double.isNaN(outboxAtDesired) && all.stream().allMatch(d -> d.desiredAt.containsKey(target.get(d.deviceId())))) {
        // the rollout's own records (a desired state and a registry event per device) are out; the
        // devices' reports add more records later
        outboxAtDesired = metric(system.registryUrl(), "driftline_registry_outbox_published_total");
        outboxReadAt = System.nanoTime();
      }
      Thread.sleep(200);
    }
    List<Double> desired = new ArrayList<>();
    List<Double> reported = new ArrayList<>();
    int superseded = 0;
    int refused = 0;
    long lastDesired = t0;
    long lastReported = t0;
    for (LightDevice d : all) {
      Long s = d.desiredAt.get(target.get(d.deviceId()));
      Long r = d.reportedAt.get(target.get(d.deviceId()));
      if (s != null) {
        desired.add((s - t0) / 1e9);
        lastDesired = Math.max(lastDesired, s);
      }
      if (r != null) {
        reported.add((r - t0) / 1e9);
        lastReported = Math.max(lastReported, r);
      } else if (d.superseded(target.get(d.deviceId()))) {
        superseded++;
        UpdateOutcome o = d.outcomes.get(target.get(d.deviceId()));
        refused += o != null && o.name().startsWith("REJECTED") ? 1 : 0;
      }
    }
    boolean allDone = reported.size() + superseded == all.size();
    ObjectNode f = result.putObject("fanOut");
    f.put("devices", all.size());
    f.put("desiredStatesSet", set);
    f.put("rolloutRequestSeconds", postSeconds);
    f.put("devicesWithDesired", desired.size());
    f.put("devicesReported", reported.size());
    f.put("devicesSuperseded", superseded);
    f.put("devicesRefusedAsRollback", refused);
    f.put("allDesiredSeconds", desired.size() == all.size() ? (lastDesired - t0) / 1e9 : Double.NaN);
    // until the last device that reported it, once every other device had taken a newer teacher bundle
    f.put("allReportedSeconds", allDone ? (lastReported - t0) / 1e9 : Double.NaN);
    f.set("desiredSeconds", quantiles(desired));
    f.set("reportedSeconds", quantiles(reported));
    double outboxRecords = outboxAtDesired - outbox0;
    f.put("outboxRecords", outboxRecords);
    f.put("outboxRecordsPerSecond", outboxRecords / Math.max(1e-9, (outboxReadAt - t0) / 1e9));
    say("fan-out: %d desired states set in %.2f s; %d of %d devices received theirs (all after %.1f s) and %d reported "
            + "it (all after %.1f s; %d took a newer teacher bundle instead, %d of them refused the rollout's as a "
            + "rollback); %.0f outbox records until every device had its desired state, %.0f per second",
        set, postSeconds, desired.size(), all.size(), f.path("allDesiredSeconds").asDouble(), reported.size(),
        f.path("allReportedSeconds").asDouble(), superseded, refused, outboxRecords,
        f.path("outboxRecordsPerSecond").asDouble());
  }

  /** Registers versions 1..{@code version} of bundle model {@code model} for {@code student}; returns {@code model:version}. */
  private String registerBundle(String model, long version, String student, PrivateKey key) throws Exception {
    registry.expect(registry.post("/api/v1/models", Map.of("name", model, "kind", "bundle")), "create " + model, 201, 409);
    long latest = registry.getJson("/api/v1/models/" + model).path("latestVersion").asLong(0);
    for (long v = latest + 1; v <= version; v++) {
      Bundle bundle = Bundle.builder()
          .setMetadata(new BundleMetadata(model, v, student, "0".repeat(64), Instant.now(),
              Map.of("codeVersion", "scale-run", "purpose", "rollout fan-out measurement")))
          .optPrompt(new VisualPrompt(new float[] {1f}, new float[] {0f}, 1, 1, new float[] {0f}))
          .build();
      String digest = registry.expect(registry.postBytes("/api/v1/artefacts", "application/vnd.driftline.bundle",
          BundleCodec.encode(bundle, key)), "upload " + model + ":" + v, 200, 201).path("digest").asString();
      registry.expect(registry.post("/api/v1/models/" + model + "/versions", Map.of("digest", digest,
          "requirements", Map.of("student", student))), "register " + model + ":" + v, 201);
    }
    return model + ":" + version;
  }

  /**
   * Matchmaking both ways and a SPARQL query, {@value #QUERIES} of each, with every device in the
   * graph, while the fleet keeps streaming.
   */
  private void catalogQueries(List<LightDevice> all) {
    try {
      LightDevice lastEnrolled = all.get(all.size() - 1);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (catalog.get("/catalog/match/devices/" + lastEnrolled.deviceId()).status() != 200
          && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      SplittableRandom random = new SplittableRandom(7);
      String sparql = "PREFIX dl: <https://driftline.io/ns#> SELECT ?id ?ram WHERE { ?d dl:deviceClass ?cls ; "
          + "dl:deviceId ?id ; <http://www.w3.org/ns/ssn/systems/hasSystemCapability>/dl:ramBytes ?ram } "
          + "ORDER BY DESC(?ram) LIMIT 100";
      String sparqlPath = "/sparql?query=" + URLEncoder.encode(sparql, StandardCharsets.UTF_8) + "&"
          + URLEncoder.encode("$cls", StandardCharsets.UTF_8) + "=" + URLEncoder.encode("\"camera\"", StandardCharsets.UTF_8);
      Map<String, List<Double>> times = new LinkedHashMap<>();
      Map<String, Integer> failures = new LinkedHashMap<>();
      for (int q = 0; q < QUERIES; q++) {
        String device = all.get(random.nextInt(all.size())).deviceId();
        time(times, failures, "matchDevice", "/catalog/match/devices/" + device);
        time(times, failures, "matchArtefact", "/catalog/match/artefacts/student-small:1/devices?limit=100");
        time(times, failures, "sparql", sparqlPath);
      }
      ObjectNode c = result.putObject("catalog");
      times.forEach((k, v) -> c.set(k, quantiles(v)));
      c.putPOJO("failures", failures);
      say("catalog with %d devices in the graph: match device %s, match artefact %s, SPARQL %s (p50/p99 ms); failures %s",
          all.size(), pqMillis(times.get("matchDevice")), pqMillis(times.get("matchArtefact")),
          pqMillis(times.get("sparql")), failures);
    } catch (Exception e) {
      say("catalog queries failed: %s", e);
    }
  }

  private void time(Map<String, List<Double>> times, Map<String, Integer> failures, String name, String path)
      throws IOException, InterruptedException {
    long t = System.nanoTime();
    ServiceApi.Answer a = catalog.get(path);
    double s = secondsSince(t);
    if (a.status() == 200) {
      times.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
    } else {
      failures.merge(name + " " + a.status(), 1, Integer::sum);
    }
  }

  /** The sum of every series of a counter in a service's {@code /actuator/prometheus}, or NaN. */
  static double metric(String baseUrl, String name) {
    try {
      ServiceApi.Answer a = new ServiceApi("metrics", baseUrl, null).get("/actuator/prometheus");
      double sum = 0;
      boolean found = false;
      for (String line : a.body().split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? sum : 0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** Busy and total clock ticks of the whole machine ({@code /proc/stat}), to tell our load from others'. */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static ObjectNode quantiles(Collection<Double> values) {
    ObjectNode q = JSON.createObjectNode();
    List<Double> sorted = values.stream().sorted().toList();
    q.put("n", sorted.size());
    if (!sorted.isEmpty()) {
      q.put("p50", quantile(sorted, 0.5));
      q.put("p99", quantile(sorted, 0.99));
      q.put("max", sorted.get(sorted.size() - 1));
    }
    return q;
  }

  static double quantile(List<Double> sorted, double p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static String pq(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f/%.1f", quantile(sorted, 0.5), quantile(sorted, 0.99));
  }

  private static String pqMillis(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return "-";
    }
    List<Double> sorted = values.stream().sorted().toList();
    return String.format(Locale.ROOT, "%.0f/%.0f", 1000 * quantile(sorted, 0.5), 1000 * quantile(sorted, 0.99));
  }

  private static String compact(ObjectNode node) {
    StringBuilder b = new StringBuilder();
    node.properties().forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
        .append(String.format(Locale.ROOT, "%.2f", e.getValue().asDouble())));
    return b.toString();
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private void say(String format, Object... args) {
    system.say().accept(String.format(Locale.ROOT, format, args));
  }
}
