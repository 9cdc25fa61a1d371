package io.driftline.teacher.evaluate;

import static io.driftline.teacher.cli.CommandArguments.oneLine;
import static io.driftline.teacher.cli.CommandArguments.parseLong;
import static io.driftline.teacher.cli.CommandArguments.value;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.DatasetException;
import io.driftline.core.scenario.ScenarioException;
import io.driftline.teacher.djl.UnsupportedOperatorException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code evaluate} command: the offline adaptation benchmark (see {@link Benchmark}).
 *
 * <pre>
 * evaluate --models DIR [--scenario FILE] [--out DIR] [--doc FILE] [--student ID] [--quick] [--seed N]
 *          [--budgets 1,5,20,100] [--main-budget 5] [--families a,b,...] [--severities 3,5]
 *          [--budget-families a,b,...] [--scale N] [--source-samples N]
 * </pre>
 *
 * <p>Writes {@code evaluation.json}, {@code tables.md} and PNG plots to {@code --out} (default
 * {@code docs/adaptation}) and, with {@code --doc}, replaces the block between
 * {@value ReportWriter#BEGIN} and {@value ReportWriter#END} in that Markdown file with the tables.
 * Bad arguments print one line to standard error and exit with status 2; a failure while running
 * exits with status 1.
 */
public final class Evaluate {

  /** Default output folder, relative to the working directory. */
  public static final Path DEFAULT_OUTPUT = Path.of("docs", "adaptation");

  private static final String USAGE = "usage: evaluate --models DIR [--scenario FILE] [--out DIR] [--doc FILE] "
      + "[--student student-small|student-nano] [--quick] [--seed N] [--budgets 1,5,20,100] [--main-budget 5] "
      + "[--families a,b,...] [--severities 3,5] [--budget-families a,b,...] [--scale N] [--source-samples N]";

  private Evaluate() {}

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command.
   *
   * @return 0 on success, 2 for bad arguments, 1 if the run failed
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    EvaluateOptions options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("evaluate: " + oneLine(e.getMessage()));
      return 2;
    }
    try {
      // Recorded in the outputs: absolute paths are cut to their last name, so no machine's layout leaks into docs.
      List<String> command = new ArrayList<>(List.of("evaluate"));
      for (String arg : args) {
        command.add(arg.startsWith("/") ? Path.of(arg).getFileName().toString() : arg);
      }
      BenchmarkReport report = new Benchmark(options, out::println).run(command);
      new ReportWriter(options.out()).write(report, options.doc());
      out.println("evaluate: wrote " + options.out().resolve(ReportWriter.JSON) + " in "
          + report.run().get("wallSeconds") + " s");
      report.targets().forEach(t -> out.println("evaluate: target " + t.name() + ": " + t.measured() + " ("
          + t.required() + ") " + (t.met() ? "met" : "NOT met")));
      return 0;
    } catch (IOException e) {
      err.println("evaluate: " + oneLine(e.toString()));
      return 1;
    } catch (UncheckedIOException | DatasetException | ScenarioException | UnsupportedOperatorException
        | IllegalArgumentException e) {
      err.println("evaluate: " + oneLine(e.getMessage()));
      return 1;
    }
  }

  static EvaluateOptions parse(String[] args) {
    Path models = null;
    Path scenario = null;
    Path out = DEFAULT_OUTPUT;
    Path doc = null;
    String student = "student-small";
    boolean quick = false;
    long seed = 42;
    List<Double> budgets = List.of(1.0, 5.0, 20.0, 100.0);
    double mainBudget = 5;
    List<CorruptionFamily> families = null;
    List<Integer> severities = List.of(3, 5);
    List<CorruptionFamily> budgetFamilies = null;
    Integer scale = null;
    int sourceSamples = 1000;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--models" -> models = directory(value(args, ++i, arg), arg);
        case "--scenario" -> scenario = file(value(args, ++i, arg), arg);
        case "--out" -> out = Path.of(value(args, ++i, arg));
        case "--doc" -> doc = file(value(args, ++i, arg), arg);
        case "--student" -> student = value(args, ++i, arg);
        case "--quick" -> quick = true;
        case "--seed" -> seed = parseLong(value(args, ++i, arg), arg);
        case "--budgets" -> budgets = parseBudgets(value(args, ++i, arg));
        case "--main-budget" -> mainBudget = parseBudgets(value(args, ++i, arg)).get(0);
        case "--families" -> families = parseFamilies(value(args, ++i, arg), arg);
        case "--budget-families" -> budgetFamilies = parseFamilies(value(args, ++i, arg), arg);
        case "--severities" -> severities = parseSeverities(value(args, ++i, arg));
        case "--scale" -> scale = (int) positive(value(args, ++i, arg), arg, 100);
        case "--source-samples" -> sourceSamples = (int) positive(value(args, ++i, arg), arg, 100_000);
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'; " + USAGE);
      }
    }
    if (models == null) {
      throw new IllegalArgumentException("--models DIR is required (the folder bootstrap-models wrote); " + USAGE);
    }
    for (String file : List.of(student + ".onnx", "teacher.onnx")) {
      if (!Files.isRegularFile(models.resolve(file))) {
        throw new IllegalArgumentException("--models " + models + " has no " + file);
      }
    }
    if (!budgets.contains(mainBudget)) {
      throw new IllegalArgumentException("--main-budget " + Benchmark.fmt(mainBudget) + " is not among --budgets "
          + budgets);
    }
    return new EvaluateOptions(models, scenario, out, doc, student, quick, seed, budgets, mainBudget, families,
        severities, budgetFamilies, scale == null ? (quick ? 1 : 5) : scale, sourceSamples);
  }

  private static long positive(String text, String option, long max) {
    long v = parseLong(text, option);
    if (v < 1 || v > max) {
      throw new IllegalArgumentException(option + " must be 1.." + max + ", got " + v);
    }
    return v;
  }

  private static List<Double> parseBudgets(String text) {
    List<Double> budgets = new ArrayList<>();
    for (String part : text.split(",")) {
      double b;
      try {
        b = Double.parseDouble(part.trim().replace("%", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("budgets are percentages like 1,5,20,100; got '" + part.trim() + "'");
      }
      if (!(b > 0 && b <= 100)) {
        throw new IllegalArgumentException("a budget must be in (0, 100] percent, got " + part.trim());
      }
      budgets.add(b);
    }
    return budgets;
  }

  private static List<Integer> parseSeverities(String text) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",")) {
      long s = parseLong(part, "--severities");
      if (s < CorruptionFamily.MIN_SEVERITY || s > CorruptionFamily.MAX_SEVERITY) {
        throw new IllegalArgumentException("--severities must be 1..5, got " + s);
      }
      out.add((int) s);
    }
    return out;
  }

  private static List<CorruptionFamily> parseFamilies(String text, String option) {
    List<CorruptionFamily> out = new ArrayList<>();
    for (String id : text.split(",")) {
      out.add(CorruptionFamily.byId(id.trim()).orElseThrow(() -> new IllegalArgumentException(option
          + ": unknown corruption family '" + id.trim() + "' (known: "
          + Arrays.stream(CorruptionFamily.values()).map(CorruptionFamily::id).toList() + ")")));
    }
    return out;
  }

  private static Path directory(String text, String option) {
    Path p = Path.of(text);
    if (!Files.isDirectory(p)) {
      throw new IllegalArgumentException(option + " " + text + " is not a directory");
    }
    return p;
  }

  private static Path file(String text, String option) {
    Path p = Path.of(text);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(option + " " + text + " is not a file");
    }
    return p;
  }

}
