package io.driftline.teacher.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.image.Image;
import io.driftline.core.model.Preprocessing;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.VisualPrompt;
import io.driftline.teacher.djl.ImportedModel;
import io.driftline.teacher.onnx.ReferenceArchitecture;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * White-box VPLU on a small student: the "teacher" is the student itself on clean frames, the
 * uploaded frames are a contrast-and-brightness corruption ({@code 0.5·x + 0.3}) that a prompt can
 * undo exactly ({@code a = 2, b = -0.6}), so the learned prompt must bring the KL close to zero.
 */
class PromptLearnerTest {

  static final Preprocessing PRE = Preprocessing.of(1f, 0.5f, 0.5f);
  static final ReferenceArchitecture.InputSpec SPEC =
      new ReferenceArchitecture.InputSpec(1, 28, 28, List.of("a", "b", "c", "d"), PRE);

  static List<Image> blobs(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Image> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] px = new float[28 * 28];
      for (int blob = 0; blob < 3; blob++) {
        double cy = r.nextDouble(4, 24);
        double cx = r.nextDouble(4, 24);
        double s = r.nextDouble(2, 6);
        double amp = r.nextDouble(0.3, 1);
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            px[y * 28 + x] += (float) (amp * Math.exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / (2 * s * s)));
          }
        }
      }
      for (int p = 0; p < px.length; p++) {
        px[p] = Math.min(1f, px[p]);
      }
      frames.add(Image.wrap(1, 28, 28, px));
    }
    return frames;
  }

  static List<Image> corrupt(List<Image> frames) {
    List<Image> out = new ArrayList<>();
    for (Image f : frames) {
      float[] px = f.pixels().clone();
      for (int p = 0; p < px.length; p++) {
        px[p] = 0.5f * px[p] + 0.3f;
      }
      out.add(Image.wrap(1, 28, 28, px));
    }
    return out;
  }

  static float[][] softmax(float[][] logits) {
    float[][] p = new float[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits[i]) {
        max = Math.max(max, v);
      }
      double sum = 0;
      p[i] = new float[logits[i].length];
      for (int k = 0; k < p[i].length; k++) {
        p[i][k] = (float) Math.exp(logits[i][k] - max);
        sum += p[i][k];
      }
      for (int k = 0; k < p[i].length; k++) {
        p[i][k] /= (float) sum;
      }
    }
    return p;
  }

  /** The learner's weighted KL, recomputed on the device side (ONNX Runtime student, core prompt). */
  static double deviceLoss(StudentModel student, VisualPrompt prompt, List<Image> frames, float[][] teacher) {
    double[] weights = PromptLoss.uncertaintyWeights(student.infer(frames).logits());
    List<Image> prompted = frames.stream().map(prompt::apply).toList();
    return PromptLoss.weightedKl(teacher, student.infer(prompted).logits(), weights);
  }

  @Test
  void learnsAPromptThatUndoesTheCorruptionAndAppliesTheSameOnDevice() throws Exception {
    ModelProto onnx = ReferenceArchitecture.STUDENT_NANO.build(SPEC, 3);
    List<Image> clean = blobs(64, 11);
    List<Image> uploaded = corrupt(clean);
    try (StudentModel device = StudentModel.load(onnx.toByteArray(), "student-nano");
        ImportedModel student = ImportedModel.of(onnx)) {
      float[][] teacher = softmax(device.infer(clean).logits());
      byte[] weightsBefore = student.toOnnx().toByteArray();
      int logits = student.block().outputNames().indexOf("logits");

      PromptLearner.Result result = PromptLearner.learnWhiteBox(
          student, PRE, logits, uploaded, teacher, new PromptLearner.Config(7, 7, 80, 0.02, 32, true, 5));

      System.out.println("VPLU white-box (synthetic): " + result.lineage());
      assertThat(result.finalLoss()).isLessThan(0.2 * result.initialLoss());
      assertThat(student.toOnnx().toByteArray()).isEqualTo(weightsBefore); // student frozen
      assertThat(result.lineage()).containsEntry("prompt.mode", PromptLearner.WHITE_BOX);

      KeyPair keys = Ed25519Keys.generate();
      Bundle bundle = Bundle.builder()
          .setMetadata(new BundleMetadata("b1", 1, "student-nano", "sha256:x", Instant.EPOCH, result.lineage()))
          .optPrompt(result.prompt())
          .build();
      Bundle decoded = BundleCodec.decode(BundleCodec.encode(bundle, keys.getPrivate()), keys.getPublic());
      assertThat(decoded).isEqualTo(bundle);
      VisualPrompt onDevice = decoded.prompt();
      assertThat(deviceLoss(device, onDevice, uploaded, teacher))
          .isCloseTo(result.finalLoss(), org.assertj.core.data.Offset.offset(1e-3 + 0.01 * result.finalLoss()));
      assertThat(deviceLoss(device, VisualPrompt.identity(1), uploaded, teacher))
          .isCloseTo(result.initialLoss(), org.assertj.core.data.Offset.offset(1e-3 + 0.01 * result.initialLoss()));

      // held-out frames of the same corruption: the prompt generalises
      List<Image> heldClean = blobs(64, 99);
      List<Image> heldUp = corrupt(heldClean);
      float[][] heldTeacher = softmax(device.infer(heldClean).logits());
      assertThat(deviceLoss(device, onDevice, heldUp, heldTeacher))
          .isLessThan(0.5 * deviceLoss(device, VisualPrompt.identity(1), heldUp, heldTeacher));
    }
  }

  /**
   * With these weights and mini-batch seed, Adam overshoots after about 100 steps and would end
   * with a loss above the identity prompt's (1.6 times it); the learner returns its best checkpoint.
   */
  @Test
  void keepsTheBestCheckpointWhenTheOptimiserOvershoots() throws Exception {
    ModelProto onnx = ReferenceArchitecture.STUDENT_NANO.build(SPEC, 3);
    List<Image> clean = blobs(64, 11);
    List<Image> uploaded = corrupt(clean);
    try (StudentModel device = StudentModel.load(onnx.toByteArray(), "student-nano");
        ImportedModel student = ImportedModel.of(onnx)) {
      float[][] teacher = softmax(device.infer(clean).logits());
      int logits = student.block().outputNames().indexOf("logits");

      PromptLearner.Result result = PromptLearner.learnWhiteBox(
          student, PRE, logits, uploaded, teacher, new PromptLearner.Config(7, 7, 150, 0.02, 32, true, 2));

      assertThat(result.finalLoss()).isLessThan(0.2 * result.initialLoss());
      assertThat(Integer.parseInt(result.lineage().get("prompt.bestStep"))).isBetween(1, 150);
      assertThat(deviceLoss(device, result.prompt(), uploaded, teacher))
          .isCloseTo(result.finalLoss(), org.assertj.core.data.Offset.offset(1e-3 + 0.01 * result.finalLoss()));
    }
  }

  /**
   * The same inputs give the same prompt, bit for bit, while the garbage collector runs all through the learning.
   * DJL's arithmetic with a Java number ({@code x.mul(2f)}) wraps the number in a tensor over a direct buffer and
   * closes it at once, but autograd keeps that tensor for the backward pass; were one in the learner's graph, a
   * collection between a step's forward and backward would scale that step's gradient by whatever the freed memory
   * then holds, and the run would drift (the adaptation pipeline's gate then flipped between runs).
   */
  @Test
  void learnsTheSamePromptWhileTheGarbageCollectorRuns() throws Exception {
    ModelProto onnx = ReferenceArchitecture.STUDENT_NANO.build(SPEC, 3);
    List<Image> clean = blobs(64, 11);
    List<Image> uploaded = corrupt(clean);
    PromptLearner.Config config = new PromptLearner.Config(7, 7, 60, 0.02, 32, true, 5);
    try (StudentModel device = StudentModel.load(onnx.toByteArray(), "student-nano");
        ImportedModel student = ImportedModel.of(onnx)) {
      float[][] teacher = softmax(device.infer(clean).logits());
      int logits = student.block().outputNames().indexOf("logits");
      PromptLearner.Result quiet = PromptLearner.learnWhiteBox(student, PRE, logits, uploaded, teacher, config);

      AtomicBoolean done = new AtomicBoolean();
      Thread collector = new Thread(() -> {
        while (!done.get()) {
          System.gc();
          LockSupport.parkNanos(2_000_000);
        }
      }, "gc-during-prompt-learning");
      collector.setDaemon(true);
      collector.start();
      try {
        for (int run = 0; run < 2; run++) {
          PromptLearner.Result busy = PromptLearner.learnWhiteBox(student, PRE, logits, uploaded, teacher, config);
          assertThat(busy.lineage()).as("run %d", run).isEqualTo(quiet.lineage());
          assertThat(busy.prompt()).as("run %d", run).isEqualTo(quiet.prompt());
        }
      } finally {
        done.set(true);
        collector.join();
      }
    }
  }

  /**
   * A step's activations, gradients and optimiser temporaries are freed with the step: the run holds as many arrays
   * after 60 steps as after 10. (They used to stay in the run's manager until the run ended, about 7 MB of native
   * memory per step of student-nano at batch 32, which glibc then kept as the service's resident memory.)
   */
  @Test
  void freesEachStepsArraysWithTheStep() {
    ModelProto onnx = ReferenceArchitecture.STUDENT_NANO.build(SPEC, 3);
    List<Image> uploaded = corrupt(blobs(48, 11));
    try (StudentModel device = StudentModel.load(onnx.toByteArray(), "student-nano");
        ImportedModel student = ImportedModel.of(onnx)) {
      float[][] teacher = softmax(device.infer(blobs(48, 11)).logits());
      int logits = student.block().outputNames().indexOf("logits");
      int[] held = new int[2];
      int[] steps = {10, 60};
      for (int run = 0; run < 2; run++) {
        int r = run;
        PromptLearner.learnWhiteBox(student, PRE, logits, uploaded, teacher,
            new PromptLearner.Config(7, 7, steps[run], 0.02, 16, true, 5),
            manager -> held[r] = manager.getManagedArrays().size());
      }
      assertThat(held[1]).as("arrays held after 60 steps vs after 10").isEqualTo(held[0]);
      assertThat(held[0]).as("inputs, targets, weights, prompt parameters and Adam moments").isLessThan(30);
    }
  }

  @Test
  void resizeMatrixIsTheDeviceResize() {
    float[] m = PromptLearner.resizeMatrix(3, 3, 7, 5);
    float[] plane = {0.1f, 0.5f, 0.9f, 0.3f, 0.2f, 0.0f, 1f, 0.7f, 0.4f};
    float[] expected = io.driftline.core.image.ImageOps.resize(Image.wrap(1, 3, 3, plane), 7, 5).pixels();
    for (int o = 0; o < 35; o++) {
      double s = 0;
      for (int j = 0; j < 9; j++) {
        s += plane[j] * m[j * 35 + o];
      }
      assertThat(s).isCloseTo(expected[o], org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void rejectsMismatchedInput() {
    ModelProto onnx = ReferenceArchitecture.STUDENT_NANO.build(SPEC, 3);
    try (ImportedModel student = ImportedModel.of(onnx)) {
      var cfg = new PromptLearner.Config(7, 7, 1, 0.05, 8, true, 5);
      assertThatThrownBy(() -> PromptLearner.learnWhiteBox(student, PRE, 1, blobs(2, 1), new float[1][4], cfg))
          .hasMessageContaining("2 and 1");
      assertThatThrownBy(() -> PromptLearner.learnWhiteBox(
              student, PRE, 1, blobs(1, 1), new float[1][4], new PromptLearner.Config(40, 7, 1, 0.05, 8, true, 5)))
          .hasMessageContaining("larger than the frames");
      assertThatThrownBy(() -> new PromptLearner.Config(7, 7, 0, 0.05, 8, true, 5)).hasMessageContaining("positive");
    }
  }
}
