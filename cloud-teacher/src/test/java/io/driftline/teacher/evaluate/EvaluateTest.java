package io.driftline.teacher.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.teacher.bootstrap.BootstrapModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The evaluate command's quick profile on two families and one budget writes a consistent report. */
class EvaluateTest {

  @TempDir
  static Path dir;

  static int status;
  static String log;
  static JsonNode report;
  static Path out;
  static Path doc;

  @BeforeAll
  static void evaluateQuick() throws Exception {
    Path models = dir.resolve("models");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(sink, true, StandardCharsets.UTF_8);
    assertThat(BootstrapModels.run(new String[] {"--quick", "--out", models.toString(), "--seed", "9",
        "--models", "student-small,teacher"}, quiet, quiet)).isZero();
    out = dir.resolve("report");
    doc = dir.resolve("doc.md");
    Files.writeString(doc, "# Results\n\n| `--doc` | between `" + ReportWriter.BEGIN + "` and `" + ReportWriter.END
        + "` |\nbefore\n" + ReportWriter.BEGIN + "\nold\n" + ReportWriter.END + "\nafter\n");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    status = Evaluate.run(new String[] {"--models", models.toString(), "--out", out.toString(), "--doc", doc.toString(),
        "--quick", "--families", "fog,contrast", "--severities", "5", "--budgets", "5", "--seed", "4"},
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    log = stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
    if (status == 0) {
      report = new JsonMapper().readTree(Files.readString(out.resolve(ReportWriter.JSON)));
    }
  }

  @Test
  void writesAReportForEveryDomainAndSampler() {
    assertThat(status).as(log).isZero();
    assertThat(report.get("domains").size()).isEqualTo(2);
    for (JsonNode d : report.get("domains")) {
      assertThat(d.get("severity").asInt()).isEqualTo(5);
      assertThat(d.get("cells").size() + d.get("skipped").size()).isEqualTo(2);
      assertThat(d.get("evalFrames").asInt()).isPositive();
    }
    assertThat(report.get("run").get("command").asString()).startsWith("evaluate --models");
    assertThat(log).containsPattern("evaluate: \\d+/4 \\S+@5 (ugs|random) 5% n=\\d+ .* ETA \\d+:\\d{2}");
  }

  @Test
  void gapClosedRecomputesFromTheAccuracies() {
    assertThat(status).as(log).isZero();
    for (JsonNode d : report.get("domains")) {
      double source = d.get("sourceOnly").asDouble();
      double teacher = d.get("teacher").asDouble();
      for (JsonNode c : d.get("cells")) {
        double adapted = c.get("promptAdaptor").asDouble();
        // the stored figures are rounded to 4 decimals, so allow for that in the quotient
        double tolerance = 2e-4 / Math.max(1e-3, Math.abs(teacher - source)) * 2;
        assertThat(c.get("gapClosed").asDouble())
            .isCloseTo(Benchmark.gap(adapted, source, teacher), org.assertj.core.data.Offset.offset(tolerance));
        for (String field : new String[] {"promptOnly", "adaptorOnly", "promptAdaptor", "promptAdaptorBinary"}) {
          assertThat(c.get(field).asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(c.get("bytesUp").asLong()).isGreaterThan(784L * c.get("uploaded").asInt());
        assertThat(c.get("bytesDown").asLong()).isPositive();
      }
    }
    for (JsonNode s : report.get("summary")) {
      assertThat(s.get("gapClosed").asDouble()).isCloseTo(Benchmark.gap(s.get("promptAdaptor").asDouble(),
          s.get("sourceOnly").asDouble(), s.get("teacher").asDouble()), org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  void writesPlotsTablesAndTheDocumentBlock() throws Exception {
    assertThat(status).as(log).isZero();
    for (String png : new String[] {"budgets.png", "families-severity-5.png"}) {
      BufferedImage image = ImageIO.read(out.resolve(png).toFile());
      assertThat(image.getWidth()).isGreaterThan(100);
    }
    String text = Files.readString(doc);
    // the markers named inside a table row are text; only the lines of their own delimit the block
    assertThat(text).startsWith("# Results\n\n| `--doc` | between `" + ReportWriter.BEGIN + "` and `"
        + ReportWriter.END + "` |\nbefore\n" + ReportWriter.BEGIN + "\n").endsWith(ReportWriter.END + "\nafter\n")
        .doesNotContain("\nold\n").contains("#### Mean over families, severity 5").contains("| fog |");
    assertThat(Files.readString(out.resolve(ReportWriter.TABLES))).contains("#### Targets");
  }

  @Test
  void badArgumentsExitWithTwoAndOneLine() {
    assertCliError(new String[] {"--families", "fog"}, "--models DIR is required");
    assertCliError(new String[] {"--models", dir.resolve("nope").toString()}, "is not a directory");
    assertCliError(new String[] {"--models", dir.resolve("models").toString(), "--families", "foggy"},
        "unknown corruption family 'foggy'");
    assertCliError(new String[] {"--models", dir.resolve("models").toString(), "--budgets", "5,abc"}, "percentages");
    assertCliError(new String[] {"--models", dir.resolve("models").toString(), "--budgets", "150"}, "(0, 100]");
    assertCliError(new String[] {"--models", dir.resolve("models").toString(), "--budgets", "5", "--main-budget", "20"},
        "not among --budgets");
    assertCliError(new String[] {"--models", dir.resolve("models").toString(), "--student", "student-nano"},
        "has no student-nano.onnx");
    assertCliError(new String[] {"--models", dir.resolve("models").toString(), "--seed"}, "--seed needs a value");
    assertCliError(new String[] {"--wat"}, "unknown argument '--wat'");
  }

  private static void assertCliError(String[] args, String message) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Evaluate.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(2);
    assertThat(text).startsWith("evaluate: ").contains(message);
    assertThat(text.strip().lines().count()).isEqualTo(1);
  }
}
