package io.driftline.teacher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.Precision;
import io.driftline.teacher.adapt.AdaptorBudget;
import io.driftline.teacher.adapt.AdaptorCandidate;
import io.driftline.teacher.adapt.AdaptorChoice;
import io.driftline.teacher.adapt.AdaptorKind;
import io.driftline.teacher.adapt.MlpAdaptorTrainer;
import io.driftline.teacher.adapt.MlpHead;
import io.driftline.teacher.adapt.QuantizationCost;
import io.driftline.teacher.adapt.RandomProjection;
import io.driftline.teacher.adapt.RidgeAdaptorTrainer;
import io.driftline.teacher.adapt.ZeroShotAdaptorChooser;
import io.driftline.teacher.bootstrap.BootstrapModels;
import io.driftline.teacher.label.PseudoLabel;
import io.driftline.teacher.label.PseudoLabelPolicy;
import io.driftline.teacher.label.PseudoLabeler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A small real-data measurement of the section 5 adaptors (docs/adaptation.md): off by default, run
 * with {@code -Ddriftline.benchmark=true}; writes {@code target/adaptor-benchmark.md}.
 *
 * <p>Fashion-MNIST test frames 0–1,999 are the uploaded pool, 2,000–3,999 the held-out frames, both
 * corrupted by one family at severity 3. The student's features of the pool and the teacher's soft
 * labels (all frames, weight 1) train the adaptors; accuracy is measured on the held-out frames
 * against the true labels with the device-side {@code Adaptor}. Models are the {@code --quick}
 * bootstrap (seed 42) unless {@code -Ddriftline.benchmark.models=DIR} names a folder with
 * {@code student-small.onnx} and {@code teacher.onnx}.
 */
@EnabledIfSystemProperty(named = "driftline.benchmark", matches = "true")
class AdaptorBenchmark {

  private static final int POOL = 2_000;
  private static final int SEVERITY = 3;
  private static final long SEED = 42;

  @Test
  void adaptorsOnRealFeatures() throws Exception {
    Path models = modelFolder();
    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    StringBuilder report = new StringBuilder()
        .append("# Adaptor benchmark (section 5)\n\nModels: ").append(models.getFileName())
        .append(", student-small features, severity ").append(SEVERITY)
        .append(", pool ").append(POOL).append(" frames, held-out ").append(POOL)
        .append(" frames; accuracy against true labels.\n");
    try (StudentModel student = StudentModel.load(models.resolve("student-small.onnx"));
        StudentModel teacher = StudentModel.load(models.resolve("teacher.onnx"))) {
      for (CorruptionFamily family : List.of(CorruptionFamily.FOG, CorruptionFamily.MOTION_BLUR)) {
        report.append(domain(family, test, student, teacher));
      }
    }
    Path out = Path.of("target", "adaptor-benchmark.md");
    Files.writeString(out, report);
    System.out.println(report);
  }

  private static String domain(
      CorruptionFamily family, LabeledImages data, StudentModel student, StudentModel teacher) {
    List<Image> poolFrames = new ArrayList<>();
    List<Image> heldOutFrames = new ArrayList<>();
    int[] heldOutLabels = new int[POOL];
    for (int i = 0; i < 2 * POOL; i++) {
      Image frame = family.apply(data.image(i), SEVERITY, SEED, i);
      if (i < POOL) {
        poolFrames.add(frame);
      } else {
        heldOutFrames.add(frame);
        heldOutLabels[i - POOL] = data.label(i);
      }
    }
    StudentOutput pool = student.infer(poolFrames);
    StudentOutput heldOut = student.infer(heldOutFrames);
    List<PseudoLabel> labels = new PseudoLabeler(teacher, PseudoLabelPolicy.all()).label(poolFrames);
    float[][] targets = new float[POOL][];
    double[] weights = new double[POOL];
    for (PseudoLabel l : labels) {
      targets[l.index()] = l.probabilities();
      weights[l.index()] = l.weight();
    }
    float[][] features = pool.features();
    float[][] test = heldOut.features();

    StringBuilder s = new StringBuilder("\n## ").append(family.id()).append(" ").append(SEVERITY).append("\n\n");
    s.append("| adaptor | bytes | MACs | held-out accuracy | notes |\n|---|---:|---:|---:|---|\n");
    s.append(row("source-only student", 0, 0, argmaxAccuracy(heldOut.logits(), heldOutLabels), ""));
    s.append(row("teacher", 0, 0, argmaxAccuracy(teacher.infer(heldOutFrames).logits(), heldOutLabels), ""));

    RidgeAdaptorTrainer ridge = new RidgeAdaptorTrainer(
        new RandomProjection(features[0].length, 512, SEED), targets[0].length, 1e-3);
    ridge.add(family.id(), features, targets, weights);
    s.append(costs("ridge M=512 λ=1e-3", ridge.domainHead(family.id())::toAdaptor, test, heldOutLabels, ""));
    for (int width : new int[] {16, 64}) {
      long start = System.nanoTime();
      MlpHead mlp = MlpAdaptorTrainer.builder().setHiddenWidth(width).optSeed(SEED).build()
          .train(features, targets, weights);
      String note = String.format(Locale.ROOT, "%d epochs (best %s), %.1f s incl. 1-bit phase",
          Integer.parseInt(mlp.lineage().get("adaptor.epochs")), mlp.lineage().get("adaptor.bestEpoch"),
          (System.nanoTime() - start) / 1e9);
      s.append(costs("mlp H=" + width, mlp::toAdaptor, test, heldOutLabels, note));
    }

    List<Budget> budgets = List.of(
        new Budget("MCU", new AdaptorBudget(2_048, 20_000, EnumSet.of(Precision.INT8, Precision.BINARY))),
        new Budget("mid", new AdaptorBudget(16_384, 100_000, EnumSet.allOf(Precision.class))),
        new Budget("phone", new AdaptorBudget(262_144, 1_000_000, Set.of(Precision.FP32))));
    for (Budget b : budgets) {
      long start = System.nanoTime();
      AdaptorChoice choice = ZeroShotAdaptorChooser.builder().optSeed(SEED).build()
          .choose(b.budget, features, targets, weights);
      double seconds = (System.nanoTime() - start) / 1e9;
      Adaptor fitted = choice.fit(features, targets, weights);
      AdaptorCandidate c = choice.chosen();
      assertThat(b.budget.admits(fitted)).isTrue();
      s.append(row(
          "zero-shot, " + b.name + " budget (" + b.budget.maxBytes() + " B, " + b.budget.maxMacsPerFrame()
              + " MACs, " + b.budget.precisions().stream().sorted().toList() + "): "
              + c.kind().name().toLowerCase(Locale.ROOT) + (c.kind() == AdaptorKind.LINEAR ? "" : " " + c.width())
              + " λ=" + c.lambda() + " " + c.precision(),
          fitted.byteSize(), AdaptorBudget.macs(fitted), accuracy(fitted, test, heldOutLabels),
          String.format(Locale.ROOT, "LOO error %.3f + est. drop %.2f pts; %d candidates in %.1f s",
              c.looError(), c.quantizationDropPoints(), choice.candidates().size(), seconds)));
    }
    return s.toString();
  }

  private record Budget(String name, AdaptorBudget budget) {}

  private static String costs(
      String name, Function<Precision, Adaptor> export, float[][] test, int[] labels, String note) {
    StringBuilder s = new StringBuilder();
    for (QuantizationCost c : QuantizationCost.measure(export, test, labels)) {
      Adaptor a = export.apply(c.precision());
      s.append(row(name + " " + c.precision(), c.bytes(), AdaptorBudget.macs(a), c.accuracy(),
          c.precision() == Precision.FP32 ? note : String.format(Locale.ROOT, "drop %.2f pts", c.dropPoints())));
    }
    return s.toString();
  }

  private static String row(String name, long bytes, long macs, double accuracy, String note) {
    return String.format(Locale.ROOT, "| %s | %s | %s | %.4f | %s |%n", name,
        bytes == 0 ? "" : String.format(Locale.ROOT, "%,d", bytes),
        macs == 0 ? "" : String.format(Locale.ROOT, "%,d", macs), accuracy, note);
  }

  private static double accuracy(Adaptor a, float[][] features, int[] labels) {
    float[][] logits = new float[features.length][];
    for (int i = 0; i < features.length; i++) {
      logits[i] = a.adaptorLogits(features[i]);
    }
    return argmaxAccuracy(logits, labels);
  }

  private static double argmaxAccuracy(float[][] logits, int[] labels) {
    int ok = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int k = 1; k < logits[i].length; k++) {
        if (logits[i][k] > logits[i][best]) {
          best = k;
        }
      }
      ok += best == labels[i] ? 1 : 0;
    }
    return (double) ok / labels.length;
  }

  static Path modelFolder() {
    String given = System.getProperty("driftline.benchmark.models");
    if (given != null) {
      return Path.of(given);
    }
    Path out = Path.of("target", "adaptor-benchmark-models");
    if (!Files.exists(out.resolve("teacher.onnx"))) {
      int status = BootstrapModels.run(
          new String[] {"--quick", "--out", out.toString(), "--seed", Long.toString(SEED),
              "--models", "student-small,teacher"},
          System.out, System.err);
      assertThat(status).as("bootstrap-models --quick").isZero();
    }
    return out;
  }
}
