package io.driftline.sandbox;

import io.driftline.core.data.FashionMnist;
import io.driftline.core.events.DriftIncident;
import io.driftline.sandbox.report.ReportSummary;
import io.driftline.sandbox.report.ReportWriter;
import io.driftline.sandbox.report.SandboxReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The README's main command: a whole Driftline system on one machine. It starts an embedded Kafka
 * broker and every service (or attaches to running ones), makes sure the reference models exist
 * and are registered, enrols a heterogeneous fleet of simulated devices that play a drift scenario
 * next to a shadow student without adaptation, and writes {@code report.html} and
 * {@code report.json}. It then keeps the system up for the console until Ctrl-C (or exits with
 * {@code --exit}).
 */
public final class Sandbox implements AutoCloseable {

  private final SandboxOptions options;
  private final Progress progress;
  private final List<SimulatedDevice> devices = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable LocalStack stack;
  private @Nullable Postgres postgres;
  private @Nullable IncidentFollower follower;
  private final MemoryMeter memory = new MemoryMeter();

  Sandbox(SandboxOptions options, PrintStream out) {
    this.options = options;
    this.progress = new Progress(out);
  }

  /** Runs the sandbox; exit code 0 on success, 1 on a failure (one line on stderr), 2 on bad usage. */
  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    SandboxOptions options;
    try {
      options = SandboxOptions.parse(args, System.getenv());
    } catch (SandboxOptions.UsageException e) {
      System.err.println("sandbox: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.print(SandboxOptions.USAGE);
      return;
    }
    if (options.scale() > 0) {
      int code = 0;
      try {
        ScaleLauncher.run(options, new Progress(System.out));
      } catch (Exception e) {
        System.err.println("sandbox: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        code = 1;
      }
      System.exit(code);
      return;
    }
    Sandbox sandbox = new Sandbox(options, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      sandbox.progress.say("stopping (Ctrl-C)");
      sandbox.close();
      stopped.countDown();
    }, "sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int code = 0;
    try {
      sandbox.run();
      if (!options.exitWhenDone()) {
        sandbox.progress.say("the system keeps running for the console; press Ctrl-C to stop");
        stopped.await();
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = 1;
    } catch (Exception e) {
      if (!sandbox.closed.get()) {
        System.err.println("sandbox: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        code = 1;
      }
    }
    if (sandbox.closed.get()) {
      return; // Ctrl-C: the shutdown hook has stopped everything
    }
    sandbox.close();
    Runtime.getRuntime().removeShutdownHook(hook);
    System.exit(code);
  }

  /** Starts everything, plays the scenario and writes the report. */
  void run() throws Exception {
    Path out = options.out().toAbsolutePath();
    resetRunFolders(out);
    memory.watch("sandbox", ProcessHandle.current());
    // the user's inputs first, so a mistake in them stops the sandbox before anything starts
    ScenarioFrames frames = new ScenarioFrames(options.scenario(), options.dataset());
    Path customStudent = options.student() == null ? null
        : CustomStudent.prepare(options.student(), options.preprocessing(), out.resolve("custom-student"));
    ServiceApi registry;
    String kafka;
    String registryUrl;
    String catalogUrl;
    String adminToken;
    if (options.attach()) {
      kafka = options.kafka();
      registryUrl = options.registryUrl();
      catalogUrl = options.catalogUrl();
      adminToken = options.adminToken();
      progress.say("attached: Kafka " + kafka + ", registry " + registryUrl + ", catalog " + catalogUrl + ", teacher "
          + options.teacherUrl());
    } else {
      Path sourceData = options.dataset() == null ? FashionMnist.fromEnvironment(false).locate()
          : ScenarioFrames.isIdx(options.dataset()) ? options.dataset() : ScenarioFrames.testFolder(options.dataset());
      Postgres db = Postgres.prepare(options.postgresUrl(), options.embeddedPostgres(), out, progress);
      postgres = db;
      ReferenceModels.ensure(options.models(), options.quickModels(), options.dataset(), options.services(), progress);
      stack = LocalStack.start(db, out, sourceData, options.services(), progress);
      stack.services().forEach(s -> memory.watch(s.name(), ProcessHandle.of(s.pid()).orElseThrow()));
      kafka = stack.kafka;
      registryUrl = stack.registry.url();
      catalogUrl = stack.catalog.url();
      adminToken = stack.adminToken;
    }
    if (options.attach()) {
      ReferenceModels.ensure(options.models(), options.quickModels(), options.dataset(), options.services(), progress);
    }
    registry = new ServiceApi("model-registry", registryUrl, adminToken);
    ServiceApi catalog = new ServiceApi("semantic-catalog", catalogUrl, null);
    ReferenceModels.register(registry, options.models(), customStudent, progress);
    progress.say("console: " + registryUrl + "/console/  (admin token: " + adminToken + ")");

    List<String> streams = frames.streams();
    Instant[] startedAt = {Instant.now()};
    long[] t0 = {System.nanoTime()};
    java.util.function.DoubleSupplier clock = () -> (System.nanoTime() - t0[0]) / 1e9;
    for (int i = 0; i < options.devices(); i++) {
      DeviceClass deviceClass = DeviceClass.of(i);
      String stream = streams.get(i % streams.size());
      String name = stream + "-" + (i / streams.size() + 1);
      Path model = customStudent != null ? customStudent : options.models().resolve(deviceClass.student() + ".onnx");
      String student = customStudent != null ? CustomStudent.NAME + ":1" : deviceClass.student() + ":1";
      devices.add(new SimulatedDevice(name, deviceClass, student, model, out.resolve("devices").resolve(name),
          frames.source(stream, options.rounds()), kafka, registryUrl, adminToken, options.framesPerSecond(),
          options.windowFrames(), clock));
    }
    progress.say("enrolled " + devices.size() + " devices: " + describeFleet());
    awaitCatalog(catalog);

    follower = new IncidentFollower(kafka, this::onIncident);
    follower.start();
    startedAt[0] = Instant.now();
    t0[0] = System.nanoTime();
    long frameTotal = 0;
    for (String s : streams) {
      frameTotal = Math.max(frameTotal, frames.length(s) * options.rounds());
    }
    progress.say(String.format(Locale.ROOT, "playing scenario '%s' on %d devices at %.0f fps (about %.0f s)",
        frames.scenario.name(), devices.size(), options.framesPerSecond(), frameTotal / options.framesPerSecond()));
    for (SimulatedDevice d : devices) {
      d.start();
    }
    double firstAdapted = -1;
    long lastLine = 0;
    while (!devices.stream().allMatch(SimulatedDevice::finished)) {
      Thread.sleep(500);
      memory.sample();
      if (firstAdapted < 0) {
        for (SimulatedDevice d : devices) {
          if (d.switches().stream().anyMatch(s -> s.bundle() != null)) {
            firstAdapted = progress.seconds();
            progress.say(String.format(Locale.ROOT, "first adapted device: %s runs %s (%.0f s after the command)",
                d.name, d.switches().get(d.switches().size() - 1).bundle(), firstAdapted));
            break;
          }
        }
      }
      if (System.nanoTime() - lastLine > 10_000_000_000L) {
        lastLine = System.nanoTime();
        progress.say(statusLine());
      }
      if (closed.get()) {
        return;
      }
    }
    progress.say("scenario finished; waiting for the last uploads and updates");
    drain();
    SandboxReport report = report(registry, startedAt[0], firstAdapted);
    ReportSummary summary = new ReportWriter(out).write(report);
    progress.say(statusLine());
    progress.say(summaryLine(summary));
    progress.say(String.format(Locale.ROOT, "peak memory of the sandbox and its services: %.2f GB resident (%s)",
        memory.peakBytes() / 1e9, memory.breakdown()));
    progress.say("report: " + out.resolve("report.html") + " (data in report.json)");
  }

  private static String summaryLine(ReportSummary summary) {
    ReportSummary.Figures f = summary.fleet();
    return String.format(Locale.ROOT, "fleet: drifted frames %d, accuracy %s adapted vs %s shadow (%s points); "
            + "%d incidents, %d adaptations, median latency %s s; %d KB up, %d KB down",
        f.driftedFrames(), percent(f.driftedAccuracyAdapted()), percent(f.driftedAccuracyShadow()),
        f.driftedGainPoints() == null ? "-" : String.format(Locale.ROOT, "%+.1f", f.driftedGainPoints()),
        f.incidents(), f.adaptations(),
        f.medianLatencySeconds() == null ? "-" : String.format(Locale.ROOT, "%.0f", f.medianLatencySeconds()),
        f.bytesUploaded() / 1024, f.bytesDownloaded() / 1024);
  }

  private static String percent(@Nullable Double fraction) {
    return fraction == null ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }

  private void onIncident(DriftIncident i) {
    String device = devices.stream().filter(d -> safeId(d).equals(i.deviceId())).map(d -> d.name).findFirst()
        .orElse(i.deviceId());
    progress.say("incident " + i.incidentId().substring(0, Math.min(8, i.incidentId().length())) + " on " + device
        + ": " + i.state() + " (" + i.statistic() + ")");
  }

  private static String safeId(SimulatedDevice d) {
    try {
      return d.deviceId();
    } catch (RuntimeException e) {
      return "";
    }
  }

  private String describeFleet() {
    StringBuilder b = new StringBuilder();
    for (DeviceClass c : DeviceClass.ALL) {
      long n = devices.stream().filter(d -> d.deviceClass == c).count();
      if (n > 0) {
        b.append(b.length() == 0 ? "" : "; ").append(n).append(" ").append(c.name()).append(" (")
            .append(options.student() != null ? "custom student" : c.student()).append(", ")
            .append(String.join("/", c.precisions())).append(", ").append(c.ramBytes() / 1024).append(" KB)");
      }
    }
    return b.toString();
  }

  private String statusLine() {
    long frames = 0;
    double adapted = 0;
    double shadow = 0;
    int withBundle = 0;
    for (SimulatedDevice d : devices) {
      frames += d.framesProcessed();
      double[] acc = d.accuracy();
      adapted += acc[0];
      shadow += acc[1];
      List<SimulatedDevice.Switch> s = d.switches();
      withBundle += !s.isEmpty() && s.get(s.size() - 1).bundle() != null ? 1 : 0;
    }
    int n = devices.size();
    int incidents = follower == null ? 0 : follower.incidents().size();
    return String.format(Locale.ROOT, "%d frames; accuracy %.1f %% adapted vs %.1f %% shadow; %d incidents; "
        + "%d of %d devices run a bundle", frames, 100 * adapted / n, 100 * shadow / n, incidents, withBundle, n);
  }

  /** Waits until every device's offline queue is empty and a last rollout had time to land (at most 60 s). */
  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && devices.stream().anyMatch(d -> d.queued() > 0)) {
      Thread.sleep(500);
    }
    Thread.sleep(5000);
  }

  private void awaitCatalog(ServiceApi catalog) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    for (SimulatedDevice d : devices) {
      while (true) {
        ServiceApi.Answer a = catalog.get("/catalog/match/devices/" + d.deviceId());
        if (a.status() == 200 && a.json().path("currentBudget").isObject()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the semantic catalog did not learn device " + d.deviceId()
              + " within 90 s (last answer " + a.status() + ")");
        }
        Thread.sleep(250);
      }
    }
    progress.say("the catalog knows every device and its adaptor budget");
  }

  private SandboxReport report(ServiceApi registry, Instant startedAt, double firstAdapted) throws Exception {
    List<SandboxReport.IncidentMark> incidents = new ArrayList<>();
    List<IncidentFollower.Seen> seen = follower == null ? List.of() : follower.incidents();
    for (IncidentFollower.Seen s : seen) {
      DriftIncident last = s.latest();
      boolean ended = last.state() == DriftIncident.State.RECOVERED || last.state() == DriftIncident.State.FAILED
          || last.state() == DriftIncident.State.CLOSED;
      incidents.add(new SandboxReport.IncidentMark(last.incidentId(), last.deviceId(),
          seconds(startedAt, s.first().openedAt()), ended ? seconds(startedAt, last.changedAt()) : null,
          last.state().name(), last.statistic()));
    }
    double end = seconds(startedAt, Instant.now());
    List<SandboxReport.DeviceRun> runs = new ArrayList<>();
    List<SandboxReport.AdaptationMark> adaptations = new ArrayList<>();
    for (SimulatedDevice d : devices) {
      String id = d.deviceId();
      List<SandboxReport.BundleSpan> spans = new ArrayList<>();
      List<SimulatedDevice.Switch> switches = d.switches();
      long downloadedBefore = 0;
      for (int k = 0; k < switches.size(); k++) {
        SimulatedDevice.Switch s = switches.get(k);
        double to = k + 1 < switches.size() ? switches.get(k + 1).atSeconds() : end;
        spans.add(new SandboxReport.BundleSpan(s.bundle(), s.atSeconds(), to));
        if (s.bundle() != null) {
          SandboxReport.IncidentMark cause = incidents.stream()
              .filter(i -> i.deviceId().equals(id) && i.openedSeconds() <= s.atSeconds())
              .max(Comparator.comparingDouble(SandboxReport.IncidentMark::openedSeconds)).orElse(null);
          adaptations.add(new SandboxReport.AdaptationMark(id, s.bundle(), cause == null ? null : cause.incidentId(),
              cause == null ? null : cause.openedSeconds(), s.atSeconds(), s.downloadedBytes() - downloadedBefore));
        }
        downloadedBefore = s.downloadedBytes();
      }
      JsonNode device = registry.getJson("/api/v1/devices/" + id);
      String reported = device.path("reported").path("activeBundle").isString()
          ? device.path("reported").path("activeBundle").asString() : null;
      ServiceApi.Answer desiredAnswer = registry.get("/api/v1/devices/" + id + "/desired-state");
      String desired = null;
      if (desiredAnswer.status() == 200) {
        JsonNode b = desiredAnswer.json().path("bundle");
        desired = b.path("bundleId").asString() + ":" + b.path("version").asLong();
      }
      var agent = d.agent();
      runs.add(new SandboxReport.DeviceRun(id, d.name, d.deviceClass.name(), d.student, d.deviceClass.precisions(),
          d.deviceClass.ramBytes(), d.windows(), spans, agent.uploader().uploadedBytes(), agent.downloadedBytes(),
          agent.uploader().uploadedFrames(), desired, reported));
    }
    List<String> notes = new ArrayList<>();
    notes.add(String.format(Locale.ROOT, "%d devices, %.0f fps, %d frames per window, %d round(s)%s",
        devices.size(), options.framesPerSecond(), options.windowFrames(), options.rounds(),
        options.dataset() == null ? "" : ", data set " + options.dataset().getFileName()));
    notes.add(firstAdapted < 0 ? "no device received an adapted bundle"
        : String.format(Locale.ROOT, "first adapted device %.0f s after the command started", firstAdapted));
    notes.add(String.format(Locale.ROOT, "peak resident memory of the sandbox and its services: %.2f GB (%s)",
        memory.peakBytes() / 1e9, memory.breakdown()));
    return new SandboxReport(devices.isEmpty() ? "" : options.scenario() == null ? "default"
        : options.scenario().getFileName().toString(), startedAt, Instant.now(), options.windowFrames(), runs,
        incidents, adaptations, notes);
  }

  private static double seconds(Instant start, Instant t) {
    return Duration.between(start, t).toNanos() / 1e9;
  }

  /** Removes the folders a previous run left (device identities, service data); keeps reports and logs out of it. */
  static void resetRunFolders(Path out) throws IOException {
    Files.createDirectories(out);
    for (String sub : List.of("devices", "registry", "catalog-tdb2", "detector-state", "keys", "custom-student",
        "postgres")) {
      Path dir = out.resolve(sub);
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /** Stops devices, the incident follower and the local services (once). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (SimulatedDevice d : devices) {
      try {
        d.close();
      } catch (RuntimeException e) {
        // keep closing
      }
    }
    if (follower != null) {
      follower.close();
    }
    if (stack != null) {
      stack.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
