package io.driftline.teacher.adapt;

import static io.driftline.teacher.adapt.PromptLearnerTest.deviceLoss;
import static io.driftline.teacher.adapt.PromptLearnerTest.softmax;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.bootstrap.BootstrapModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt learning in both modes on {@code bootstrap-models --quick} models and real corrupted
 * Fashion-MNIST frames: the teacher's soft labels on fogged frames are the target, and a learned
 * prompt must bring the frozen student closer to them on frames it was not learned on.
 */
class QuickModelPromptLearningTest {

  private static final PromptLearner.Config WHITE = new PromptLearner.Config(7, 7, 60, 0.02, 32, true, 5);
  private static final SpsaPromptLearner.Config BLACK =
      new SpsaPromptLearner.Config(7, 7, 80, 0.05, 0.05, 2, 32, true, 5);

  @TempDir
  static Path models;

  static byte[] studentOnnx;
  static List<Image> uploaded = new ArrayList<>();
  static List<Image> unseen = new ArrayList<>();
  static float[][] teacherUploaded;
  static float[][] teacherUnseen;

  @BeforeAll
  static void models() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(sink, true, StandardCharsets.UTF_8);
    int status = BootstrapModels.run(new String[] {"--quick", "--out", models.toString(), "--seed", "8",
        "--models", "student-nano,teacher"}, quiet, quiet);
    assertThat(status).as(sink.toString(StandardCharsets.UTF_8)).isZero();
    studentOnnx = Files.readAllBytes(models.resolve("student-nano.onnx"));
    LabeledImages test = FashionMnist.fromEnvironment(false).test();
    for (int i = 0; i < 192; i++) {
      Image fogged = CorruptionFamily.FOG.apply(test.image(2000 + i), 5, 17, i);
      (i < 64 ? uploaded : unseen).add(fogged);
    }
    try (StudentModel teacher = StudentModel.load(models.resolve("teacher.onnx"))) {
      teacherUploaded = softmax(teacher.infer(uploaded).logits());
      teacherUnseen = softmax(teacher.infer(unseen).logits());
    }
  }

  @Test
  void whiteBoxPromptCarriesOverToUnseenFramesOfTheDomain() {
    PromptLearner.Result r = PromptLearning.learn(studentOnnx, "student-nano", uploaded, teacherUploaded,
        PromptLearning.Mode.AUTO, WHITE, BLACK);
    assertThat(r.lineage()).containsEntry("prompt.mode", "white-box");
    assertThat(r.finalLoss()).isLessThan(r.initialLoss());
    assertHeldOutLossFalls(r);
  }

  @Test
  void blackBoxPromptCarriesOverToUnseenFramesOfTheDomain() {
    PromptLearner.Result r = PromptLearning.learn(studentOnnx, "student-nano", uploaded, teacherUploaded,
        PromptLearning.Mode.BLACK_BOX, WHITE, BLACK);
    assertThat(r.lineage()).containsEntry("prompt.mode", "black-box");
    assertThat(r.finalLoss()).isLessThan(r.initialLoss());
    assertHeldOutLossFalls(r);
  }

  private static void assertHeldOutLossFalls(PromptLearner.Result r) {
    try (StudentModel device = StudentModel.load(studentOnnx, "student-nano")) {
      double[] weights = PromptLoss.uncertaintyWeights(device.infer(unseen).logits());
      double unprompted = PromptLoss.weightedKl(teacherUnseen, device.infer(unseen).logits(), weights);
      double prompted = deviceLoss(device, r.prompt(), unseen, teacherUnseen);
      assertThat(prompted).as("held-out loss with the prompt against %s without", unprompted)
          .isLessThan(unprompted);
    }
  }
}
