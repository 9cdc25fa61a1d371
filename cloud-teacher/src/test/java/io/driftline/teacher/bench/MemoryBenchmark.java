package io.driftline.teacher.bench;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.Precision;
import io.driftline.teacher.adapt.AdaptorBudget;
import io.driftline.teacher.bootstrap.BootstrapModels;
import io.driftline.teacher.pipeline.AdaptationPipeline;
import io.driftline.teacher.pipeline.AdaptationRequest;
import io.driftline.teacher.pipeline.PipelineConfig;
import io.driftline.teacher.pipeline.SourceSamples;
import io.driftline.teacher.pipeline.UploadedSample;
import io.driftline.teacher.pipeline.Variant;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs {@link AdaptationPipeline#adaptVariants} again and again in one JVM with the service's job
 * settings and prints the process's resident memory and the JVM heap after each run, to tell a leak
 * (growth per run) from a peak (a plateau). Not a unit test: run it in its own JVM with the service's
 * flags, e.g.
 *
 * <pre>
 * MALLOC_ARENA_MAX=2 java -Xmx768m -XX:+UseSerialGC -cp ... io.driftline.teacher.bench.MemoryBenchmark
 * </pre>
 *
 * <p>One run is one job of the sandbox: for each student (default {@code student-nano,student-small})
 * one {@code adaptVariants} with the job's own domain and {@code carried-domains} (3) earlier ones,
 * two budgeted variants (FP32, INT8), white-box prompts of 150 steps, held-out fraction 0.2 and 400
 * source samples: what {@code JobRunner} builds. System properties change it: {@code memory.models}
 * (folder with the students and {@code teacher.onnx}; default: quick models trained into
 * {@code target/memory-benchmark-models} under the working directory), {@code memory.runs} (12),
 * {@code memory.domains} (4), {@code memory.samplesPerDomain} (150), {@code memory.students}. With
 * {@code memory.phases=true} it also prints the resident memory at every pipeline step, so each
 * phase's share shows.
 */
public final class MemoryBenchmark {

  private static final List<CorruptionFamily> FAMILIES = List.of(CorruptionFamily.FOG, CorruptionFamily.CONTRAST,
      CorruptionFamily.MOTION_BLUR, CorruptionFamily.GAUSSIAN_NOISE, CorruptionFamily.PIXELATE,
      CorruptionFamily.BRIGHTNESS);

  private MemoryBenchmark() {}

  /** Runs the benchmark; see the class comment for the settings. */
  public static void main(String[] args) throws Exception {
    int runs = Integer.getInteger("memory.runs", 12);
    int domains = Integer.getInteger("memory.domains", 4);
    int perDomain = Integer.getInteger("memory.samplesPerDomain", 150);
    boolean phases = Boolean.getBoolean("memory.phases");
    List<String> students = List.of(System.getProperty("memory.students", "student-nano,student-small").split(","));
    String given = System.getProperty("memory.models");
    Path models = given != null ? Path.of(given) : quickModels(students);

    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    List<Image> clean = new ArrayList<>();
    int[] labels = new int[400];
    for (int i = 0; i < labels.length; i++) {
      int index = 5000 + i * 10;
      clean.add(test.image(index));
      labels[i] = test.label(index);
    }
    SourceSamples source = new SourceSamples(clean, labels);
    KeyPair key = Ed25519Keys.generate();
    PipelineConfig config = PipelineConfig.builder().optHeldOutFraction(0.2).build();
    List<Variant> variants = List.of(
        new Variant("mem-fp32", 1, Precision.FP32, new AdaptorBudget(1 << 20, 10_000_000, Set.of(Precision.values()))),
        new Variant("mem-int8", 1, Precision.INT8, new AdaptorBudget(16 << 10, 20_000, Set.of(Precision.INT8))));

    Map<String, byte[]> onnx = new LinkedHashMap<>();
    Map<String, StudentModel> loaded = new LinkedHashMap<>();
    for (String s : students) {
      onnx.put(s, Files.readAllBytes(models.resolve(s + ".onnx")));
      loaded.put(s, StudentModel.load(models.resolve(s + ".onnx")));
    }
    System.out.println(line("start", 0));
    try (StudentModel teacher = StudentModel.load(models.resolve("teacher.onnx"))) {
      System.out.println(line("models loaded", 0));
      for (int run = 1; run <= runs; run++) {
        long start = System.nanoTime();
        for (String s : students) {
          // the job's own domain first, then the carried ones; the frames move on with every run like new uploads
          List<UploadedSample> uploads = new ArrayList<>();
          for (int d = 0; d < domains; d++) {
            CorruptionFamily family = FAMILIES.get((run + d) % FAMILIES.size());
            String domain = family.id() + "@4";
            for (int i = 0; i < perDomain; i++) {
              int index = (run * 997 + d * 1500 + i) % 5000;
              uploads.add(new UploadedSample(domain + "/" + run + "/" + i, domain,
                  family.apply(test.image(index), 4, 11, index)));
            }
          }
          String student = s;
          AdaptationPipeline pipeline = new AdaptationPipeline(onnx.get(s), s, loaded.get(s), teacher,
              "teacher memory benchmark", key.getPrivate(), config,
              step -> {
                if (phases) {
                  System.out.println("    " + line(student + " " + step, -1));
                }
              });
          pipeline.adaptVariants(new AdaptationRequest("ignored", 0, uploads, source), variants);
        }
        System.out.println(line(String.format(Locale.ROOT, "run %2d (%.0f s)", run, (System.nanoTime() - start) / 1e9),
            run));
      }
    } finally {
      loaded.values().forEach(StudentModel::close);
    }
  }

  /** Quick reference models of {@code students} and the teacher, trained into {@code target/} once. */
  private static Path quickModels(List<String> students) {
    Path out = Path.of("target", "memory-benchmark-models");
    List<String> names = new ArrayList<>(students);
    names.add("teacher");
    if (names.stream().anyMatch(n -> !Files.exists(out.resolve(n + ".onnx")))) {
      int status = BootstrapModels.run(new String[] {"--quick", "--out", out.toString(), "--seed", "42",
          "--models", String.join(",", names)}, System.out, System.err);
      if (status != 0) {
        throw new IllegalStateException("bootstrap-models --quick failed with status " + status);
      }
    }
    return out;
  }

  private static String line(String label, int run) {
    Map<String, Long> status = status();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return String.format(Locale.ROOT, "%-24s rss %5d MB (anon %5d, file %4d)  heap used %4d / committed %4d MB",
        label.length() > 24 && run >= 0 ? label.substring(0, 24) : label, status.getOrDefault("VmRSS", 0L) >> 10,
        status.getOrDefault("RssAnon", 0L) >> 10, status.getOrDefault("RssFile", 0L) >> 10, heap.getUsed() >> 20,
        heap.getCommitted() >> 20);
  }

  /** The kB figures of {@code /proc/self/status}. */
  private static Map<String, Long> status() {
    Map<String, Long> values = new LinkedHashMap<>();
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        String[] parts = l.split("\\s+");
        if (parts.length >= 3 && parts[2].equals("kB")) {
          values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no figures
    }
    return values;
  }
}
