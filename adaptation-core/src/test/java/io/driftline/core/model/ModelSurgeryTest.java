package io.driftline.core.model;

import static io.driftline.core.model.TestGraphs.FLOAT;
import static io.driftline.core.model.TestGraphs.floats;
import static io.driftline.core.model.TestGraphs.intAttribute;
import static io.driftline.core.model.TestGraphs.node;
import static io.driftline.core.model.TestGraphs.randomImages;
import static io.driftline.core.model.TestGraphs.randomMatrix;
import static io.driftline.core.model.TestGraphs.randomVector;
import static io.driftline.core.model.TestGraphs.valueInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.driftline.core.image.Image;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelSurgeryTest {

  private static final float[] KERNEL = {1f, -2f, 0.5f, 3f};
  private static final float KERNEL_BIAS = -1f;

  private final SplittableRandom random = new SplittableRandom(42);
  private final float[][] headWeights = randomMatrix(random, 2, 9);
  private final float[] headBias = randomVector(random, 2);

  /** x [N,1,4,4] -> Conv 2x2 "conv" [N,1,3,3] -> Relu "act" -> Flatten "flat" [N,9] -> Gemm "logits". */
  private ModelProto convClassifier() {
    float[] flat = new float[18];
    System.arraycopy(headWeights[0], 0, flat, 0, 9);
    System.arraycopy(headWeights[1], 0, flat, 9, 9);
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", FLOAT, "batch", 1, 4, 4))
        .addInitializer(floats("K", KERNEL, 1, 1, 2, 2))
        .addInitializer(floats("kb", new float[] {KERNEL_BIAS}, 1))
        .addInitializer(floats("W", flat, 2, 9))
        .addInitializer(floats("b", headBias, 2))
        .addNode(node("Conv", List.of("x", "K", "kb"), "conv"))
        .addNode(node("Relu", List.of("conv"), "act"))
        .addNode(node("Flatten", List.of("act"), "flat", intAttribute("axis", 1)))
        .addNode(node("Gemm", List.of("flat", "W", "b"), "logits", intAttribute("transB", 1)))
        .addOutput(valueInfo("logits", FLOAT, "batch", 2));
    return TestGraphs.model(graph, Map.of());
  }

  /** The 2x2 valid convolution of a 4x4 image, computed directly. */
  private static float[] convolve(Image image) {
    float[] out = new float[9];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 3; x++) {
        out[y * 3 + x] = KERNEL_BIAS
            + KERNEL[0] * image.get(0, y, x) + KERNEL[1] * image.get(0, y, x + 1)
            + KERNEL[2] * image.get(0, y + 1, x) + KERNEL[3] * image.get(0, y + 1, x + 1);
      }
    }
    return out;
  }

  @Test
  void classifierWithoutFeaturesOutputIsRejectedBeforeSurgery() {
    assertThatThrownBy(() -> StudentModel.load(convClassifier().toByteArray(), "plain"))
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("no features output named 'features'");
  }

  @Test
  void promotesAConvolutionMapFlattenedToFeatures() {
    byte[] edited = ModelSurgery.promoteToFeatures(convClassifier().toByteArray(), "conv");
    try (StudentModel student = StudentModel.load(edited, "promoted-conv")) {
      assertThat(student.featureDimension()).isEqualTo(9);
      List<Image> frames = randomImages(random, 6, 1, 4, 4);
      StudentOutput out = student.infer(frames);
      for (int i = 0; i < frames.size(); i++) {
        float[] conv = convolve(frames.get(i));
        assertThat(out.features()[i]).containsExactly(conv, within(1e-5f));
        float[] relu = conv.clone();
        for (int j = 0; j < relu.length; j++) {
          relu[j] = Math.max(0f, relu[j]);
        }
        double[] logits = TestGraphs.affine(headWeights, headBias, relu);
        assertThat((double) out.logits()[i][0]).isCloseTo(logits[0], within(1e-4));
        assertThat((double) out.logits()[i][1]).isCloseTo(logits[1], within(1e-4));
      }
      // Some conv outputs are negative, so features really are the map before the Relu.
      float lowest = Float.POSITIVE_INFINITY;
      for (float[] row : out.features()) {
        lowest = Math.min(lowest, min(row));
      }
      assertThat(lowest).isNegative();
    }
  }

  @Test
  void promotesARankTwoTensorThroughIdentityWithTheInferredShape() {
    ModelProto edited = ModelSurgery.promoteToFeatures(convClassifier(), "flat", "features");
    GraphProto graph = edited.getGraph();
    assertThat(graph.getNode(graph.getNodeCount() - 1).getOpType()).isEqualTo("Identity");
    ValueInfoProto output = graph.getOutput(graph.getOutputCount() - 1);
    assertThat(output.getName()).isEqualTo("features");
    assertThat(output.getType().getTensorType().getElemType()).isEqualTo(FLOAT);
    List<TensorShapeProto.Dimension> dims = output.getType().getTensorType().getShape().getDimList();
    assertThat(dims).hasSize(2);
    assertThat(dims.get(0).getDimParam()).isEqualTo("batch");
    assertThat(dims.get(1).getDimValue()).isEqualTo(9);
    try (StudentModel student = StudentModel.load(edited.toByteArray(), "promoted-flat")) {
      Image frame = randomImages(random, 1, 1, 4, 4).get(0);
      float[] expected = convolve(frame);
      for (int j = 0; j < 9; j++) {
        expected[j] = Math.max(0f, expected[j]);
      }
      assertThat(student.infer(frame).features()).containsExactly(expected, within(1e-5f));
    }
  }

  @Test
  void promotingATensorAlreadyNamedLikeTheOutputAddsNoNode() {
    ModelProto model = convClassifier();
    ModelProto edited = ModelSurgery.promoteToFeatures(model, "flat", "flat");
    assertThat(edited.getGraph().getNodeCount()).isEqualTo(model.getGraph().getNodeCount());
    try (StudentModel student = StudentModel.builder().setModel(edited.toByteArray(), "same-name")
        .optFeaturesOutput("flat").build()) {
      assertThat(student.featureDimension()).isEqualTo(9);
    }
    // Promoting again is a no-op.
    assertThat(ModelSurgery.promoteToFeatures(edited, "flat", "flat")).isEqualTo(edited);
  }

  @Test
  void promotesTheLastConvBlockOfASyntheticStudent() {
    byte[] nano = SyntheticStudents.nano(5);
    byte[] edited = ModelSurgery.promoteToFeatures(nano, "relu3", "conv_features");
    try (StudentModel original = StudentModel.load(nano, "nano");
        StudentModel promoted = StudentModel.builder().setModel(edited, "nano-relu3")
            .optFeaturesOutput("conv_features").build()) {
      assertThat(promoted.featureDimension()).isEqualTo(64 * 7 * 7);
      List<Image> frames = randomImages(random, 2, 1, 28, 28);
      StudentOutput before = original.infer(frames);
      StudentOutput after = promoted.infer(frames);
      // The logits are untouched, and the pooled features are the channel means of the map.
      for (int i = 0; i < 2; i++) {
        assertThat(after.logits()[i]).containsExactly(before.logits()[i], within(1e-5f));
        for (int c = 0; c < 64; c++) {
          double sum = 0;
          for (int p = 0; p < 49; p++) {
            sum += after.features()[i][c * 49 + p];
          }
          assertThat(sum / 49).isCloseTo(before.features()[i][c], within(1e-4));
        }
      }
    }
  }

  @Test
  void unknownTensorNameListsTheCandidates() {
    assertThatThrownBy(() -> ModelSurgery.promoteToFeatures(convClassifier().toByteArray(), "pool"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'pool'")
        .hasMessageContaining("[conv, act, flat, logits]");
  }

  @Test
  void refusesToShadowAnExistingTensorOrFlattenInPlace() {
    assertThatThrownBy(() -> ModelSurgery.promoteToFeatures(convClassifier(), "conv", "act"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already has a tensor named 'act'");
    assertThatThrownBy(() -> ModelSurgery.promoteToFeatures(convClassifier(), "conv", "conv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rank 4").hasMessageContaining("other than 'conv'");
  }

  @Test
  void refusesNonFloatTensors() {
    ModelProto model = convClassifier();
    GraphProto graph = model.getGraph().toBuilder()
        .addNode(node("Shape", List.of("x"), "x_shape"))
        .build();
    assertThatThrownBy(() -> ModelSurgery.promoteToFeatures(model.toBuilder().setGraph(graph).build(), "x_shape", "features"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x_shape'").hasMessageContaining("INT64").hasMessageContaining("float");
  }

  @Test
  void garbageBytesAreRejected() {
    assertThatThrownBy(() -> ModelSurgery.promoteToFeatures(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}, "conv"))
        .isInstanceOf(StudentModelException.class)
        .hasMessageContaining("not an ONNX ModelProto");
  }

  private static float min(float[] values) {
    float m = Float.POSITIVE_INFINITY;
    for (float v : values) {
      m = Math.min(m, v);
    }
    return m;
  }
}
