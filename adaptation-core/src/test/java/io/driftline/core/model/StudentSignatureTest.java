package io.driftline.core.model;

import static io.driftline.core.model.TestGraphs.FLOAT;
import static io.driftline.core.model.TestGraphs.INT64;
import static io.driftline.core.model.TestGraphs.floats;
import static io.driftline.core.model.TestGraphs.intAttribute;
import static io.driftline.core.model.TestGraphs.node;
import static io.driftline.core.model.TestGraphs.valueInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudentSignatureTest {

  private static final float[] W = new float[3 * 4];

  private static GraphProto.Builder gemmHead(GraphProto.Builder graph, String featuresTensor) {
    return graph
        .addInitializer(floats("W", W, 3, 4))
        .addInitializer(floats("b", new float[3], 3))
        .addNode(node("Gemm", List.of(featuresTensor, "W", "b"), "logits", intAttribute("transB", 1)))
        .addOutput(valueInfo("logits", FLOAT, "N", 3));
  }

  private static byte[] bytes(GraphProto.Builder graph) {
    return TestGraphs.model(graph, Map.of()).toByteArray();
  }

  @Test
  void missingFeaturesOutputIsReportedWithWhatTheModelHas() {
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", FLOAT, "N", 1, 2, 2))
        .addNode(node("Flatten", List.of("x"), "flat", intAttribute("axis", 1)));
    byte[] model = bytes(gemmHead(graph, "flat"));
    assertThatThrownBy(() -> StudentModel.load(model, "no-features.onnx"))
        .isInstanceOfSatisfying(ModelSignatureException.class, e -> {
          assertThat(e.source()).isEqualTo("no-features.onnx");
          assertThat(e.problems()).containsExactly("no features output named 'features'");
          assertThat(e.actualSignature())
              .isEqualTo("inputs ['x' float [N, 1, 2, 2]] and outputs ['logits' float [N, 3]]");
          assertThat(e.getMessage())
              .contains("no-features.onnx", "'features' [N, F]", "ModelSurgery.promoteToFeatures");
        });
  }

  @Test
  void inputOfRankTwoIsRejected() {
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("pixels", FLOAT, "N", 4))
        .addNode(node("Identity", List.of("pixels"), "features"))
        .addOutput(valueInfo("features", FLOAT, "N", 4));
    byte[] model = bytes(gemmHead(graph, "features"));
    assertThatThrownBy(() -> StudentModel.load(model, "flat-input"))
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("input 'pixels' has rank 2, expected rank 4 [N, C, H, W]")
        .hasMessageContaining("'pixels' float [N, 4]")
        .hasMessageContaining("'features' float [N, 4]");
  }

  @Test
  void integerInputIsRejected() {
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", INT64, "N", 1, 2, 2))
        .addNode(node("Cast", List.of("x"), "xf", intAttribute("to", FLOAT)))
        .addNode(node("Flatten", List.of("xf"), "features", intAttribute("axis", 1)))
        .addOutput(valueInfo("features", FLOAT, "N", 4));
    byte[] model = bytes(gemmHead(graph, "features"));
    assertThatThrownBy(() -> StudentModel.load(model, "int-input"))
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("input 'x' is int64, expected float")
        .hasMessageContaining("'x' int64 [N, 1, 2, 2]");
  }

  @Test
  void twoInputsAreRejectedAndBothAreListed() {
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("left", FLOAT, "N", 1, 2, 2))
        .addInput(valueInfo("right", FLOAT, "N", 1, 2, 2))
        .addNode(node("Add", List.of("left", "right"), "sum"))
        .addNode(node("Flatten", List.of("sum"), "features", intAttribute("axis", 1)))
        .addOutput(valueInfo("features", FLOAT, "N", 4));
    byte[] model = bytes(gemmHead(graph, "features"));
    assertThatThrownBy(() -> StudentModel.load(model, "two-inputs"))
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("expected exactly one input, found 2")
        .hasMessageContaining("'left' float [N, 1, 2, 2]")
        .hasMessageContaining("'right' float [N, 1, 2, 2]");
  }

  @Test
  void wrongRankFeaturesOutputIsRejected() {
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", FLOAT, "N", 1, 2, 2))
        .addNode(node("Relu", List.of("x"), "features"))
        .addNode(node("Flatten", List.of("features"), "flat", intAttribute("axis", 1)))
        .addOutput(valueInfo("features", FLOAT, "N", 1, 2, 2));
    byte[] model = bytes(gemmHead(graph, "flat"));
    assertThatThrownBy(() -> StudentModel.load(model, "map-features"))
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("features output 'features' has rank 4, expected rank 2 [N, F]");
  }

  @Test
  void configuredOutputNamesAreUsed() {
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", FLOAT, "N", 1, 2, 2))
        .addNode(node("Flatten", List.of("x"), "embedding", intAttribute("axis", 1)))
        .addOutput(valueInfo("embedding", FLOAT, "N", 4));
    byte[] model = bytes(gemmHead(graph, "embedding"));
    assertThatThrownBy(() -> StudentModel.load(model, "renamed"))
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("'embedding' float [N, 4]");
    try (StudentModel student = StudentModel.builder().setModel(model, "renamed")
        .optFeaturesOutput("embedding").build()) {
      assertThat(student.description().featuresOutput()).isEqualTo("embedding");
      assertThat(student.featureDimension()).isEqualTo(4);
    }
  }

  @Test
  void garbageBytesGiveAClearErrorNamingTheSource() {
    byte[] garbage = new byte[64];
    new SplittableRandom(1).nextBytes(garbage);
    assertThatThrownBy(() -> StudentModel.load(garbage, "garbage.onnx"))
        .isInstanceOf(StudentModelException.class)
        .isNotInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("cannot load ONNX model garbage.onnx")
        .hasMessageContaining("not an ONNX ModelProto");
  }

  @Test
  void missingOrGarbageFileIsNamed(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("absent.onnx");
    assertThatThrownBy(() -> StudentModel.load(missing))
        .isInstanceOf(StudentModelException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    Path text = dir.resolve("notes.onnx");
    Files.writeString(text, "this is not a model");
    assertThatThrownBy(() -> StudentModel.load(text))
        .isInstanceOf(StudentModelException.class)
        .hasMessageContaining("cannot load ONNX model " + text);
  }

  @Test
  void builderWithoutModelOrWithEqualOutputNamesFails() {
    assertThatThrownBy(() -> StudentModel.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("setModel");
    assertThatThrownBy(() -> StudentModel.builder().setModel(new byte[0], "x").optLogitsOutput("features").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must differ");
  }
}
