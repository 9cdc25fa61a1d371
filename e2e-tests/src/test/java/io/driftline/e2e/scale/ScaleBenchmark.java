package io.driftline.e2e.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.e2e.TeacherFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scale run at several fleet sizes: for each size in {@code driftline.benchmark.scale.devices}
 * (default {@code 250,500,1000}) the sandbox jar runs {@code --scale N --scale-seconds S}
 * ({@code driftline.benchmark.scale.seconds}, default 240) in a fresh system, on the models in
 * {@code driftline.benchmark.models} (default the repository's {@code models/}, else the quick
 * models). Off unless {@code -Ddriftline.benchmark=true}. It prints one table row per size (ingest
 * rates, adaptation and fan-out latency, catalog latency, CPU and memory per process, the machine's
 * load), fits cost = fixed + per-device × N per process by least squares, projects it to
 * 100,000 devices, and writes everything to {@code target/scale-benchmark.md} (each run's
 * {@code scale.json} stays in {@code target/scale-runs/}).
 */
@EnabledIfSystemProperty(named = "driftline.benchmark", matches = "true")
class ScaleBenchmark {

  static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void ingestLatencyFanOutCatalogAndCostPerDevice() throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String s : System.getProperty("driftline.benchmark.scale.devices", "250,500,1000").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    int seconds = Integer.getInteger("driftline.benchmark.scale.seconds", 240);
    Path models = Path.of(System.getProperty("driftline.benchmark.models", "../models")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(models.resolve("teacher.onnx"))) {
      models = TeacherFleet.quickModels();
    }
    Path jar = Path.of("..", "sandbox", "target", "sandbox.jar").toAbsolutePath().normalize();
    Path runs = Path.of("target", "scale-runs").toAbsolutePath();
    Files.createDirectories(runs);
    Map<Integer, JsonNode> results = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder();
    md.append("| devices | load before → after | windows/s sent / counted by detector | samples/s sent / stored by teacher "
        + "| adaptation onset→reported p50/p99 s (n) | fan-out all desired / all reported s | outbox records/s "
        + "| catalog match / SPARQL p50/p99 ms | CPU cores per process | RSS MB per process | machine busy cores (others) |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int n : sizes) {
      Path out = runs.resolve("devices-" + n);
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1536m",
          "-jar", jar.toString(), "--scale", Integer.toString(n), "--scale-seconds", Integer.toString(seconds),
          "--models", models.toString(), "--out", out.toString())
          .directory(jar.getParent().getParent().getParent().toFile())
          .redirectErrorStream(true).redirectOutput(runs.resolve("devices-" + n + ".log").toFile()).start();
      boolean done = p.waitFor(seconds + 900L, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String log = Files.readString(runs.resolve("devices-" + n + ".log"));
      assertThat(done).as(log).isTrue();
      assertThat(p.exitValue()).as(log).isZero();
      JsonNode r = JSON.readTree(out.resolve("scale.json").toFile());
      results.put(n, r);
      String row = row(n, r);
      System.out.print("scale benchmark " + row);
      md.append(row);
    }
    md.append("\n").append(projection(results));
    System.out.print(projection(results));
    Files.writeString(Path.of("target", "scale-benchmark.md"), md.toString());
  }

  static String row(int n, JsonNode r) {
    JsonNode s = r.path("steadyState");
    JsonNode a = r.path("adaptation").path("onsetToReportedSeconds");
    JsonNode f = r.path("fanOut");
    JsonNode c = r.path("catalog");
    return String.format(Locale.ROOT, "| %d | %s → %s | %.0f / %.0f | %.0f / %.0f | %s / %s (%d) | %.1f / %.1f | %.0f | %s / %s | %s | %s | %.2f (%.2f) |%n",
        n, r.path("loadAverageBefore").asString(), r.path("loadAverageAfter").asString(),
        s.path("telemetryWindowsSentPerSecond").asDouble(), s.path("telemetryWindowsCountedByDetectorPerSecond").asDouble(),
        s.path("samplesSentPerSecond").asDouble(), s.path("samplesStoredByTeacherPerSecond").asDouble(),
        fmt(a.path("p50")), fmt(a.path("p99")), a.path("n").asInt(),
        f.path("allDesiredSeconds").asDouble(), f.path("allReportedSeconds").asDouble(),
        f.path("outboxRecordsPerSecond").asDouble(),
        millis(c.path("matchDevice")), millis(c.path("sparql")),
        pairs(s.path("cpuCores"), "%.2f", 1), pairs(s.path("rssMegabytes"), "%.0f", 1),
        s.path("machineBusyCores").asDouble(), s.path("otherCores").asDouble());
  }

  /** Least-squares cost = fixed + perDevice × N per process, for CPU cores and RSS, and its value at 100,000. */
  static String projection(Map<Integer, JsonNode> results) {
    if (results.size() < 2) {
      return "(one fleet size: no fit)\n";
    }
    StringBuilder b = new StringBuilder("| process | CPU millicores per device | CPU cores fixed | CPU cores at 100k "
        + "| RSS KB per device | RSS MB fixed | RSS GB at 100k |\n|---|---|---|---|---|---|---|\n");
    TreeSet<String> names = new TreeSet<>();
    results.values().forEach(r -> r.path("steadyState").path("cpuCores").properties().forEach(e -> names.add(e.getKey())));
    for (String name : names) {
      double[] cpu = fit(results, "cpuCores", name);
      double[] rss = fit(results, "rssMegabytes", name);
      b.append(String.format(Locale.ROOT, "| %s | %.3f | %.2f | %.1f | %.1f | %.0f | %.1f |%n", name, 1000 * cpu[1], cpu[0],
          cpu[0] + cpu[1] * 100_000, 1000 * rss[1], rss[0], (rss[0] + rss[1] * 100_000) / 1000));
    }
    return b.toString();
  }

  static double[] fit(Map<Integer, JsonNode> results, String field, String name) {
    double n = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (Map.Entry<Integer, JsonNode> e : results.entrySet()) {
      JsonNode v = e.getValue().path("steadyState").path(field).path(name);
      if (v.isMissingNode()) {
        continue;
      }
      double x = e.getKey();
      double y = v.asDouble();
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double slope = n < 2 ? 0 : (n * sxy - sx * sy) / (n * sxx - sx * sx);
    return new double[] {(sy - slope * sx) / Math.max(1, n), slope};
  }

  private static String fmt(JsonNode v) {
    return v.isMissingNode() ? "-" : String.format(Locale.ROOT, "%.0f", v.asDouble());
  }

  private static String millis(JsonNode q) {
    return q.path("p50").isMissingNode() ? "-" : String.format(Locale.ROOT, "%.0f/%.0f", 1000 * q.path("p50").asDouble(),
        1000 * q.path("p99").asDouble());
  }

  private static String pairs(JsonNode node, String format, double scale) {
    StringBuilder b = new StringBuilder();
    node.properties().forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
        .append(String.format(Locale.ROOT, format, e.getValue().asDouble() * scale)));
    return b.toString();
  }
}
