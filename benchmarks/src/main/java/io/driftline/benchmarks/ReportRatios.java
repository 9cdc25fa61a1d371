package io.driftline.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints the Markdown tables of {@code docs/performance.md} from one JMH JSON result file: every
 * benchmark's score, error and median, its ratio to bare ONNX inference of one frame measured in
 * the same run, and the verdict on the 25 % goal per student.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.driftline.benchmarks.ReportRatios
 * [benchmarks/target/jmh.json]}. Exits with status 1 and a one-line reason if the file cannot be
 * read or lacks the baseline.
 */
public final class ReportRatios {

  /** Share of bare inference the device path may cost, from the project's goal. */
  static final double GOAL = 0.25;
  /** The students the run compares against. */
  static final List<String> STUDENTS = List.of("nano", "small");

  private static final String PACKAGE = "io.driftline.benchmarks.";
  private static final String BARE_BATCH1 = "StudentInferenceBenchmark.bareInferenceBatch1";
  private static final String BARE_BATCH32 = "StudentInferenceBenchmark.bareInferenceBatch32";
  private static final String DEVICE_PATH = "DevicePathBenchmark.devicePathWithoutInference";
  private static final String SELECT_WINDOW = "SamplingBenchmark.selectWindow";
  /** Table order: the baseline first, then the steps in device-path order, then the whole path. */
  private static final List<String> CLASS_ORDER = List.of(
      "StudentInferenceBenchmark", "UpdateBenchmark.prompt", "UncertaintyBenchmark", "HdcBenchmark",
      "UpdateBenchmark", "SamplingBenchmark", "DevicePathBenchmark");

  /**
   * One benchmark result.
   *
   * @param benchmark class and method, e.g. {@code HdcBenchmark.encode}
   * @param params JMH parameters by name
   * @param score mean of the iterations
   * @param error half-width of JMH's 99.9 % confidence interval (NaN when JMH gives none)
   * @param median median of the iteration scores
   * @param unit score unit, e.g. {@code us/op}
   */
  record Result(
      String benchmark,
      Map<String, String> params,
      double score,
      double error,
      double median,
      String unit) {

    /** The parameters as {@code name=value, ...}, or a dash when there are none. */
    String paramText() {
      if (params.isEmpty()) {
        return "–";
      }
      List<String> parts = new ArrayList<>();
      params.forEach((name, value) -> parts.add(name + "=" + value));
      return String.join(", ", parts);
    }

    /** Returns this result with score, error and median divided by {@code divisor}. */
    Result dividedBy(double divisor, String benchmarkName) {
      return new Result(benchmarkName, params, score / divisor, error / divisor, median / divisor, unit);
    }
  }

  private ReportRatios() {}

  /** Reads the JMH JSON file named by the first argument and prints the report to stdout. */
  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "benchmarks/target/jmh.json");
    try {
      List<Result> results = read(file);
      print(results, file, System.out);
    } catch (IOException | JacksonException | IllegalArgumentException e) {
      System.err.println("cannot report " + file + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** Parses a JMH JSON result file ({@code -rf json}). */
  static List<Result> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such file; run the benchmarks with -rf json -rff " + file + " first");
    }
    JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
    if (!root.isArray()) {
      throw new IllegalArgumentException("not a JMH JSON result (expected an array of benchmarks)");
    }
    List<Result> results = new ArrayList<>();
    for (JsonNode run : root) {
      String benchmark = run.path("benchmark").asString();
      if (benchmark.startsWith(PACKAGE)) {
        benchmark = benchmark.substring(PACKAGE.length());
      }
      Map<String, String> params = new TreeMap<>();
      for (Map.Entry<String, JsonNode> p : run.path("params").properties()) {
        params.put(p.getKey(), p.getValue().asString());
      }
      JsonNode metric = run.path("primaryMetric");
      results.add(new Result(
          benchmark,
          params,
          number(metric.path("score")),
          number(metric.path("scoreError")),
          median(metric.path("rawData")),
          metric.path("scoreUnit").asString()));
    }
    return results;
  }

  /** JMH writes NaN and infinities as strings. */
  private static double number(JsonNode node) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    try {
      return Double.parseDouble(node.asString());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Median of all iteration scores of all forks ({@code rawData} is one array per fork). */
  static double median(JsonNode rawData) {
    List<Double> values = new ArrayList<>();
    for (JsonNode fork : rawData) {
      for (JsonNode iteration : fork) {
        values.add(number(iteration));
      }
    }
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Writes the results table and the verdict table. */
  static void print(List<Result> results, Path file, PrintStream out) {
    Map<String, Result> baseline = new TreeMap<>();
    for (String student : STUDENTS) {
      baseline.put(student, find(results, BARE_BATCH1, student).orElseThrow(() ->
          new IllegalArgumentException("no " + BARE_BATCH1 + " result for student=" + student
              + "; run StudentInferenceBenchmark in the same run as the rest")));
    }
    List<Result> rows = new ArrayList<>();
    List<Result> ordered = new ArrayList<>(results);
    ordered.sort(Comparator.comparingInt(ReportRatios::rank));
    for (Result r : ordered) {
      rows.add(r);
      if (r.benchmark().equals(SELECT_WINDOW)) {
        rows.add(r.dividedBy(SamplingBenchmark.WINDOW, SELECT_WINDOW + " per frame (÷" + SamplingBenchmark.WINDOW + ")"));
      }
    }

    out.println("Results of " + file.getFileName() + "; ratios are to bare ONNX inference of one "
        + "frame at batch 1 (`" + BARE_BATCH1 + "`) of the same run: nano "
        + format(baseline.get("nano").score()) + " µs, small " + format(baseline.get("small").score())
        + " µs. A ratio is given for the student a row belongs to, and for both when it belongs to neither.");
    out.println();
    out.println("| benchmark | parameters | score ± error (µs/op) | median (µs/op) | ÷ nano | ÷ small |");
    out.println("|---|---|---:|---:|---:|---:|");
    for (Result r : rows) {
      String student = r.params().get("student");
      out.println("| " + r.benchmark() + " | " + r.paramText() + " | " + format(r.score()) + " ± "
          + format(r.error()) + " | " + format(r.median()) + " | "
          + ratioCell(r, student, "nano", baseline) + " | " + ratioCell(r, student, "small", baseline) + " |");
    }

    out.println();
    out.println("Verdict per student: device path without inference (prompt, uncertainty, HDC encode, OOD, "
        + "routing, INT8 adaptor) plus UGS per frame, against bare inference per frame; goal ≤ "
        + percent(GOAL) + " (ratios of means; medians in brackets).");
    out.println();
    out.println("| student | D | device path (µs) | with UGS/frame (µs) | ÷ bare batch 1 | ÷ bare batch 32 per frame | ≤ "
        + percent(GOAL) + " of batch 1? |");
    out.println("|---|---:|---:|---:|---:|---:|---|");
    Optional<Result> window = results.stream().filter(r -> r.benchmark().equals(SELECT_WINDOW)).findFirst();
    double ugsMean = window.map(r -> r.score() / SamplingBenchmark.WINDOW).orElse(0.0);
    double ugsMedian = window.map(r -> r.median() / SamplingBenchmark.WINDOW).orElse(0.0);
    for (String student : STUDENTS) {
      Result bare1 = baseline.get(student);
      Optional<Result> bare32 = find(results, BARE_BATCH32, student);
      List<Result> paths = results.stream()
          .filter(r -> r.benchmark().equals(DEVICE_PATH) && student.equals(r.params().get("student")))
          .sorted((a, b) -> Integer.compare(dimension(b), dimension(a)))
          .toList();
      for (Result path : paths) {
        double mean = path.score() + ugsMean;
        double median = path.median() + ugsMedian;
        double ratio1 = mean / bare1.score();
        out.println("| " + student + " | " + dimension(path) + " | " + format(path.score()) + " ± "
            + format(path.error()) + " | " + format(mean) + " | " + percent(ratio1) + " ("
            + percent(median / bare1.median()) + ") | "
            + bare32.map(b -> percent(mean / b.score()) + " (" + percent(median / b.median()) + ")").orElse("–")
            + " | " + (ratio1 <= GOAL ? "yes" : "no") + " |");
      }
    }
  }

  /** Position of a benchmark in {@link #CLASS_ORDER}; the sort is stable within one position. */
  private static int rank(Result r) {
    for (int i = 0; i < CLASS_ORDER.size(); i++) {
      if (r.benchmark().startsWith(CLASS_ORDER.get(i))) {
        return i;
      }
    }
    return CLASS_ORDER.size();
  }

  private static String ratioCell(
      Result r, @Nullable String rowStudent, String column, Map<String, Result> baseline) {
    if (rowStudent != null && !rowStudent.equals(column)) {
      return "–";
    }
    return percent(r.score() / baseline.get(column).score());
  }

  private static Optional<Result> find(List<Result> results, String benchmark, String student) {
    return results.stream()
        .filter(r -> r.benchmark().equals(benchmark) && student.equals(r.params().get("student")))
        .findFirst();
  }

  private static int dimension(Result r) {
    return Integer.parseInt(r.params().getOrDefault("dimension", "0"));
  }

  /** Three significant digits, enough for scores whose error is rarely below 1 %. */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    double magnitude = Math.abs(value);
    String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, value);
  }

  /** A ratio as a whole percentage, with one decimal below 10 %. */
  static String percent(double ratio) {
    if (Double.isNaN(ratio)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, ratio >= 0.1 ? "%.0f %%" : "%.1f %%", 100 * ratio);
  }
}
