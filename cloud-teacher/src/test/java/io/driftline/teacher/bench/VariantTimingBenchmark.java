package io.driftline.teacher.bench;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.Precision;
import io.driftline.teacher.adapt.AdaptorBudget;
import io.driftline.teacher.adapt.ZeroShotAdaptorChooser;
import io.driftline.teacher.pipeline.AdaptorSpec;
import io.driftline.teacher.pipeline.AdaptationPipeline;
import io.driftline.teacher.pipeline.AdaptationRequest;
import io.driftline.teacher.pipeline.AdaptationResult;
import io.driftline.teacher.pipeline.PipelineConfig;
import io.driftline.teacher.pipeline.SourceSamples;
import io.driftline.teacher.pipeline.UploadedSample;
import io.driftline.teacher.pipeline.Variant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Times {@link AdaptationPipeline#adaptVariants} with three variants against three single-variant runs (what
 * three {@code adapt} calls cost) on 500 uploads of one domain: off by default, run with
 * {@code -Ddriftline.benchmark=true}; prints, and writes {@code target/variant-timing.md}. Only prints: the
 * figures go to docs/adaptation.md.
 *
 * <p>Uploads are Fashion-MNIST test frames 0–499 under fog at severity 3, the source 200 clean frames
 * from 5,000; default pipeline settings (white-box prompt, 150 steps), then the same with the budget chooser's
 * ridge widths cut to 16–128. Models as {@link AdaptorBenchmark}.
 */
@EnabledIfSystemProperty(named = "driftline.benchmark", matches = "true")
class VariantTimingBenchmark {

  private static final int UPLOADS = 500;
  private static final int REPEATS = 3;
  private static final List<Variant> VARIANTS = List.of(
      new Variant("fog-fp32", 1, Precision.FP32, new AdaptorBudget(1 << 20, 10_000_000, Set.of(Precision.values()))),
      new Variant("fog-int8", 1, Precision.INT8, new AdaptorBudget(16 << 10, 20_000, Set.of(Precision.INT8))),
      new Variant("fog-binary", 1, Precision.BINARY, new AdaptorBudget(1 << 10, 2_000, Set.of(Precision.BINARY))));

  @Test
  void sharedPreparationAgainstSeparateRuns() throws Exception {
    Path models = AdaptorBenchmark.modelFolder();
    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    List<UploadedSample> uploads = new ArrayList<>();
    for (int i = 0; i < UPLOADS; i++) {
      uploads.add(new UploadedSample("fog@3/" + i, "fog@3", CorruptionFamily.FOG.apply(test.image(i), 3, 11, i)));
    }
    List<Image> clean = new ArrayList<>();
    int[] labels = new int[200];
    for (int i = 0; i < labels.length; i++) {
      clean.add(test.image(5000 + i));
      labels[i] = test.label(5000 + i);
    }
    AdaptationRequest request = new AdaptationRequest("ignored", 0, uploads, new SourceSamples(clean, labels));
    KeyPair key = Ed25519Keys.generate();
    byte[] studentOnnx = Files.readAllBytes(models.resolve("student-small.onnx"));
    StringBuilder report = new StringBuilder("# adaptVariants timing\n\n");
    try (StudentModel student = StudentModel.load(models.resolve("student-small.onnx"));
        StudentModel teacher = StudentModel.load(models.resolve("teacher.onnx"))) {
      List<String> log = new ArrayList<>();
      AdaptationPipeline pipeline = new AdaptationPipeline(studentOnnx, "student-small", student, teacher,
          "teacher bench", key.getPrivate(), PipelineConfig.builder().build(), log::add);
      AdaptationPipeline narrow = new AdaptationPipeline(studentOnnx, "student-small", student, teacher,
          "teacher bench", key.getPrivate(), PipelineConfig.builder().optBudgetChooser(ZeroShotAdaptorChooser.builder()
              .optSeed(AdaptorSpec.DEFAULT_PROJECTION_SEED).optWidths(16, 32, 64, 128).build()).build(), log::add);
      pipeline.adaptVariants(request, VARIANTS.subList(0, 1)); // warm-up: DJL native library, JIT
      double[] shared = new double[REPEATS];
      double[] narrowGrid = new double[REPEATS];
      double[] separate = new double[REPEATS];
      List<String> sharedLog = List.of();
      for (int r = 0; r < REPEATS; r++) {
        log.clear();
        long t0 = System.nanoTime();
        List<AdaptationResult> results = pipeline.adaptVariants(request, VARIANTS);
        shared[r] = (System.nanoTime() - t0) / 1e9;
        sharedLog = List.copyOf(log);
        for (AdaptationResult result : results) {
          report.append(String.format(Locale.ROOT, "run %d %s: ships=%s, %s, adaptor fog@3: %s, gain %s%n", r,
              result.candidate().metadata().bundleId(), result.ships(),
              result.lineage().get("gate.domain.fog@3.shipped"),
              result.lineage().get("variant.domain.fog@3.adaptor"), result.lineage().get("gate.target.gainPoints")));
        }
        t0 = System.nanoTime();
        for (Variant v : VARIANTS) {
          pipeline.adaptVariants(request, List.of(v)); // what adapt(request) does for one variant
        }
        separate[r] = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        List<AdaptationResult> narrowResults = narrow.adaptVariants(request, VARIANTS);
        narrowGrid[r] = (System.nanoTime() - t0) / 1e9;
        report.append(String.format(Locale.ROOT, "run %d widths <= 128, fp32: %s, %s, gain %s%n", r,
            narrowResults.get(0).lineage().get("variant.domain.fog@3.adaptor"),
            narrowResults.get(0).lineage().get("gate.domain.fog@3.shipped"),
            narrowResults.get(0).lineage().get("gate.target.gainPoints")));
      }
      report.append(String.format(Locale.ROOT,
          "%nadaptVariants (3 variants): median %.1f s of %s%n3 separate runs: median %.1f s of %s%n"
              + "adaptVariants, chooser widths <= 128: median %.1f s of %s%n",
          median(shared), Arrays.toString(shared), median(separate), Arrays.toString(separate), median(narrowGrid),
          Arrays.toString(narrowGrid)));
      report.append("\nProgress of the last adaptVariants run:\n");
      sharedLog.forEach(l -> report.append("    ").append(l).append('\n'));
    }
    Files.writeString(Path.of("target", "variant-timing.md"), report);
    System.out.println(report);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
