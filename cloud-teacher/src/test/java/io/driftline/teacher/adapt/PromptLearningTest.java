package io.driftline.teacher.adapt;

import static io.driftline.teacher.adapt.PromptLearnerTest.blobs;
import static io.driftline.teacher.adapt.PromptLearnerTest.corrupt;
import static io.driftline.teacher.adapt.PromptLearnerTest.deviceLoss;
import static io.driftline.teacher.adapt.PromptLearnerTest.softmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.djl.UnsupportedOperatorException;
import io.driftline.teacher.onnx.ReferenceArchitecture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Black-box SPSA prompt learning and the automatic white-box/black-box choice. */
class PromptLearningTest {

  private static final PromptLearner.Config WHITE = new PromptLearner.Config(7, 7, 40, 0.02, 32, true, 5);
  private static final SpsaPromptLearner.Config BLACK =
      new SpsaPromptLearner.Config(7, 7, 150, 0.05, 0.05, 2, 32, true, 5);

  private static final ModelProto STUDENT = ReferenceArchitecture.STUDENT_NANO.build(PromptLearnerTest.SPEC, 3);

  /** The same student with its first Relu turned into Elu, an operator ONNX Runtime runs and the importer lacks. */
  private static byte[] withElu() {
    ModelProto.Builder b = STUDENT.toBuilder();
    var graph = b.getGraphBuilder();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      if (graph.getNode(i).getOpType().equals("Relu")) {
        graph.setNode(i, graph.getNode(i).toBuilder().setOpType("Elu"));
        break;
      }
    }
    return b.build().toByteArray();
  }

  private static float[][] teacher(byte[] onnx, List<Image> clean) {
    try (StudentModel device = StudentModel.load(onnx, "t")) {
      return softmax(device.infer(clean).logits());
    }
  }

  @Test
  void blackBoxSpsaLowersTheLossWithForwardPassesOnly() {
    List<Image> clean = blobs(64, 11);
    List<Image> uploaded = corrupt(clean);
    byte[] onnx = STUDENT.toByteArray();
    float[][] teacher = teacher(onnx, clean);
    PromptLearner.Result r = PromptLearning.learn(
        onnx, "student-nano", uploaded, teacher, PromptLearning.Mode.BLACK_BOX, WHITE, BLACK);
    System.out.println("VPLU black-box (synthetic): " + r.lineage());
    assertThat(r.lineage()).containsEntry("prompt.mode", "black-box").containsEntry("prompt.modeReason", "forced");
    assertThat(r.finalLoss()).isLessThan(0.5 * r.initialLoss());
    try (StudentModel device = StudentModel.load(onnx, "s")) {
      assertThat(deviceLoss(device, r.prompt(), uploaded, teacher))
          .isCloseTo(r.finalLoss(), org.assertj.core.data.Offset.offset(1e-9 + 1e-6 * r.finalLoss()));
    }
  }

  @Test
  void autoChoosesWhiteBoxWhenEveryOperatorImports() {
    List<Image> clean = blobs(32, 12);
    byte[] onnx = STUDENT.toByteArray();
    PromptLearner.Result r = PromptLearning.learn(
        onnx, "student-nano", corrupt(clean), teacher(onnx, clean), PromptLearning.Mode.AUTO, WHITE, BLACK);
    assertThat(r.lineage())
        .containsEntry("prompt.mode", "white-box")
        .containsEntry("prompt.modeReason", "all operators supported");
    assertThat(r.finalLoss()).isLessThan(r.initialLoss());
  }

  @Test
  void autoFallsBackToBlackBoxOnAnUnsupportedOperatorAndWhiteBoxCanBeForced() {
    List<Image> clean = blobs(32, 13);
    byte[] onnx = withElu();
    float[][] teacher = teacher(onnx, clean);
    SpsaPromptLearner.Config shortRun = new SpsaPromptLearner.Config(7, 7, 10, 0.05, 0.05, 1, 16, true, 5);
    PromptLearner.Result r = PromptLearning.learn(
        onnx, "elu-student", corrupt(clean), teacher, PromptLearning.Mode.AUTO, WHITE, shortRun);
    assertThat(r.lineage())
        .containsEntry("prompt.mode", "black-box")
        .containsEntry("prompt.modeReason", "unsupported operator Elu");
    assertThatThrownBy(() -> PromptLearning.learn(
            onnx, "elu-student", corrupt(clean), teacher, PromptLearning.Mode.WHITE_BOX, WHITE, shortRun))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("Elu");
  }
}
