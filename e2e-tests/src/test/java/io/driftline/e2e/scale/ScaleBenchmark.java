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
 * load), the CPU cost per unit of work (window, sample, frame) and the memory per device, both
 * projected to 100,000 devices ({@link #projection}), and writes everything to {@code target/scale-benchmark.md} (each run's
 * {@code scale.json} stays in {@code target/scale-runs/};
 * {@code -Ddriftline.benchmark.scale.reuse=true} recomputes the tables from those files). With
 * {@code -Ddriftline.benchmark.scale.runs=K} each size runs K times, and the tables show the median
 * of every figure ({@link #median}).
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
    // reuse=true recomputes the tables from the scale.json files of earlier runs, without running
    boolean reuse = Boolean.getBoolean("driftline.benchmark.scale.reuse");
    int repeats = Integer.getInteger("driftline.benchmark.scale.runs", 1);
    for (int n : sizes) {
      List<JsonNode> runsOfSize = new ArrayList<>();
      for (int k = 1; k <= repeats; k++) {
        String name = "devices-" + n + (repeats > 1 ? "-run" + k : "");
        Path out = runs.resolve(name);
        if (!reuse) {
          Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1536m",
              "-jar", jar.toString(), "--scale", Integer.toString(n), "--scale-seconds", Integer.toString(seconds),
              "--models", models.toString(), "--out", out.toString())
              .directory(jar.getParent().getParent().getParent().toFile())
              .redirectErrorStream(true).redirectOutput(runs.resolve(name + ".log").toFile()).start();
          boolean done = p.waitFor(seconds + 900L, TimeUnit.SECONDS);
          if (!done) {
            p.destroyForcibly();
          }
          String log = Files.readString(runs.resolve(name + ".log"));
          assertThat(done).as(log).isTrue();
          assertThat(p.exitValue()).as(log).isZero();
        }
        JsonNode r = JSON.readTree(out.resolve("scale.json").toFile());
        runsOfSize.add(r);
        if (repeats > 1) {
          System.out.print("scale benchmark run " + k + " " + row(n, r));
        }
      }
      JsonNode median = median(runsOfSize);
      results.put(n, median);
      String row = row(n, median);
      System.out.print("scale benchmark " + (repeats > 1 ? "median of " + repeats + " " : "") + row);
      md.append(row);
    }
    if (repeats > 1) {
      md.append("\nEvery figure is the median of ").append(repeats).append(" runs per size, taken figure by figure.\n");
    }
    md.append("\n").append(projection(results));
    System.out.print(projection(results));
    Files.writeString(Path.of("target", "scale-benchmark.md"), md.toString());
  }

  /**
   * The median run: a copy of the first run in which every number is the median of that number over
   * all runs (figure by figure, so the figures of one row may come from different runs). A number
   * missing or not a number in some run (NaN: not every device got there) counts as NaN, which sorts
   * last.
   */
  static JsonNode median(List<JsonNode> runs) {
    if (runs.size() == 1) {
      return runs.get(0);
    }
    return medianOf(runs.get(0), runs, "");
  }

  private static JsonNode medianOf(JsonNode node, List<JsonNode> runs, String pointer) {
    if (node.isObject()) {
      tools.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
      node.properties().forEach(e -> out.set(e.getKey(), medianOf(e.getValue(), runs,
          pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"))));
      return out;
    }
    if (node.isNumber() || "NaN".equals(node.asString(""))) {
      double[] values = runs.stream().mapToDouble(r -> number(r.at(pointer))).sorted().toArray();
      double m = values[values.length / 2];
      if (values.length % 2 == 0) {
        m = (values[values.length / 2 - 1] + m) / 2;
      }
      return Double.isNaN(m) ? JSON.getNodeFactory().stringNode("NaN") : JSON.getNodeFactory().numberNode(m);
    }
    return node;
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
        number(f.path("allDesiredSeconds")), number(f.path("allReportedSeconds")),
        f.path("outboxRecordsPerSecond").asDouble(),
        millis(c.path("matchDevice")), millis(c.path("sparql")),
        pairs(s.path("cpuCores"), "%.2f", 1), pairs(s.path("rssMegabytes"), "%.0f", 1),
        s.path("machineBusyCores").asDouble(), s.path("otherCores").asDouble());
  }

  /**
   * The projection to 100,000 devices. CPU comes from cost per unit of work, because on a shared
   * machine a process's CPU time is the share it got, not what it needed (a starved detector uses
   * little CPU and falls behind): CPU ms per telemetry window the detector counted, per sample the
   * teacher stored (its jobs included), per telemetry window the registry stored, and µs per frame
   * of the light fleet; each run's figure and their median, times the per-device rate of the
   * largest run, times 100,000. Memory is a least-squares fit RSS = fixed + per device × N.
   */
  static String projection(Map<Integer, JsonNode> results) {
    StringBuilder b = new StringBuilder("| unit cost | ");
    results.keySet().forEach(n -> b.append(n).append(" devices | "));
    b.append("median | rate per device (largest run) | cores at 100,000 devices |\n|---|");
    results.keySet().forEach(n -> b.append("---|"));
    b.append("---|---|---|\n");
    JsonNode largest = results.get(results.keySet().stream().max(Integer::compare).orElseThrow()).path("steadyState");
    int largestN = results.keySet().stream().max(Integer::compare).orElseThrow();
    Object[][] units = {
        {"drift-detector CPU ms per telemetry window", "drift-detector", "telemetryWindowsCountedByDetectorPerSecond", 1000.0},
        {"cloud-teacher CPU ms per sample stored", "cloud-teacher", "samplesStoredByTeacherPerSecond", 1000.0},
        {"model-registry CPU ms per telemetry window", "model-registry", "telemetryWindowsSentPerSecond", 1000.0},
        {"light fleet CPU µs per frame", "sandbox.fleetThreads", "framesPerSecond", 1_000_000.0},
        {"sandbox JVM (fleet + broker) CPU µs per frame", "sandbox", "framesPerSecond", 1_000_000.0}};
    for (Object[] u : units) {
      List<Double> costs = new ArrayList<>();
      b.append("| ").append(u[0]).append(" | ");
      for (JsonNode r : results.values()) {
        JsonNode s = r.path("steadyState");
        double rate = s.path((String) u[2]).asDouble();
        double cost = rate > 0 ? s.path("cpuCores").path((String) u[1]).asDouble() / rate * (double) u[3] : Double.NaN;
        costs.add(cost);
        b.append(String.format(Locale.ROOT, "%.3f | ", cost));
      }
      double median = costs.stream().sorted().toList().get(costs.size() / 2);
      double perDevice = largest.path((String) u[2]).asDouble() / largestN;
      b.append(String.format(Locale.ROOT, "%.3f | %.3f/s | %.1f |%n", median, perDevice,
          median / (double) u[3] * perDevice * 100_000));
    }
    if (results.size() >= 2) {
      b.append("\n| process | RSS KB per device (fit) | RSS MB fixed (fit) | RSS GB at 100,000 (fit) |\n|---|---|---|---|\n");
      TreeSet<String> names = new TreeSet<>();
      results.values().forEach(r -> r.path("steadyState").path("rssMegabytes").properties().forEach(e -> names.add(e.getKey())));
      for (String name : names) {
        double[] rss = fit(results, "rssMegabytes", name);
        b.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %.1f |%n", name, 1000 * rss[1], rss[0],
            (rss[0] + rss[1] * 100_000) / 1000));
      }
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

  /** A number; NaN (written as the string "NaN": not every device got there) or a missing one is NaN. */
  static double number(JsonNode v) {
    return v.isNumber() ? v.asDouble() : Double.NaN;
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
