package io.driftline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The sandbox's two goals, measured: seconds from the command to the first device running an
 * adapted bundle (with the models already trained), and the peak resident memory of the sandbox
 * and its services. Off unless {@code -Ddriftline.benchmark=true}. Each of
 * {@code driftline.benchmark.runs} (default 3) runs is the README's command,
 * {@code java -Xmx1g -jar sandbox/target/sandbox.jar --exit}, with the default 12 devices and the
 * default scenario, on the models in {@code driftline.benchmark.models} (default: the repository's
 * {@code models/}, trained by {@code bootstrap-models}; the quick models if that folder lacks them).
 * Prints each run and the medians, and writes {@code target/sandbox-benchmark.md}.
 */
@EnabledIfSystemProperty(named = "driftline.benchmark", matches = "true")
class SandboxBenchmark {

  private static final Pattern FIRST = Pattern.compile("first adapted device: .* \\((\\d+) s after the command\\)");
  private static final Pattern MEMORY = Pattern.compile("peak memory of the sandbox and its services: ([0-9.]+) GB resident \\((.*)\\)");

  @Test
  void commandToFirstAdaptedDeviceAndPeakMemory() throws Exception {
    int runs = Integer.getInteger("driftline.benchmark.runs", 3);
    Path models = Path.of(System.getProperty("driftline.benchmark.models", "../models")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(models.resolve("teacher.onnx"))) {
      models = TeacherFleet.quickModels();
    }
    Path jar = Path.of("..", "sandbox", "target", "sandbox.jar").toAbsolutePath().normalize();
    List<Double> firsts = new ArrayList<>();
    List<Double> peaks = new ArrayList<>();
    StringBuilder table = new StringBuilder("| run | first adapted device (s after the command) | peak memory (GB) | per process |\n|---|---|---|---|\n");
    for (int run = 1; run <= runs; run++) {
      Path out = Files.createTempDirectory("sandbox-benchmark-");
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
          "-jar", jar.toString(), "--exit", "--models", models.toString(), "--out", out.toString())
          .directory(jar.getParent().getParent().getParent().toFile())
          .redirectErrorStream(true).redirectOutput(out.resolve("sandbox.log").toFile()).start();
      assertThat(p.waitFor(20, TimeUnit.MINUTES)).isTrue();
      String log = Files.readString(out.resolve("sandbox.log"));
      assertThat(p.exitValue()).as(log).isZero();
      Matcher first = FIRST.matcher(log);
      Matcher memory = MEMORY.matcher(log);
      assertThat(memory.find()).as(log).isTrue();
      double firstSeconds = first.find() ? Double.parseDouble(first.group(1)) : Double.NaN;
      firsts.add(firstSeconds);
      peaks.add(Double.parseDouble(memory.group(1)));
      String line = String.format(Locale.ROOT, "| %d | %.0f | %.2f | %s |%n", run, firstSeconds,
          Double.parseDouble(memory.group(1)), memory.group(2));
      table.append(line);
      System.out.print("sandbox benchmark " + line);
    }
    String summary = String.format(Locale.ROOT, "median over %d runs (models %s): first adapted device %.0f s after "
        + "the command, peak memory %.2f GB%n", runs, models.getFileName(), median(firsts), median(peaks));
    System.out.print(summary);
    Files.writeString(Path.of("target", "sandbox-benchmark.md"), table + "\n" + summary);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
