package io.driftline.core.model;

import static io.driftline.core.model.TestGraphs.FLOAT;
import static io.driftline.core.model.TestGraphs.affine;
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
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.driftline.core.image.Image;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models whose initializers live in a data file beside the graph (ONNX external data). */
class ExternalDataTest {

  private static final int FEATURES = 2 * 3 * 3;
  private static final int CLASSES = 4;
  // Bytes before the weights in the data file, so a loader that ignored "offset" reads garbage.
  private static final int OFFSET = 64;

  private final SplittableRandom random = new SplittableRandom(77);
  private final float[][] weights = randomMatrix(random, CLASSES, FEATURES);
  private final float[] bias = randomVector(random, CLASSES);

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /** Writes graph.onnx and weights.bin into {@code dir}; W and b are both stored externally. */
  private byte[] writeModel(Path dir, boolean withFeaturesOutput) throws Exception {
    ByteBuffer data = ByteBuffer.allocate(OFFSET + (CLASSES * FEATURES + CLASSES) * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < OFFSET; i++) {
      data.put((byte) 0x7F);
    }
    for (float[] row : weights) {
      for (float v : row) {
        data.putFloat(v);
      }
    }
    int biasOffset = data.position();
    for (float v : bias) {
      data.putFloat(v);
    }
    Files.write(dir.resolve("weights.bin"), data.array());

    TensorProto w = TensorProto.newBuilder().setName("W").setDataType(FLOAT).addDims(CLASSES).addDims(FEATURES)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", "weights.bin"))
        .addExternalData(entry("offset", Integer.toString(OFFSET)))
        .addExternalData(entry("length", Integer.toString(CLASSES * FEATURES * Float.BYTES)))
        .build();
    TensorProto b = TensorProto.newBuilder().setName("b").setDataType(FLOAT).addDims(CLASSES)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", "weights.bin"))
        .addExternalData(entry("offset", Integer.toString(biasOffset)))
        .addExternalData(entry("length", Integer.toString(CLASSES * Float.BYTES)))
        .build();
    String flat = withFeaturesOutput ? "features" : "flat";
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", FLOAT, "N", 2, 3, 3))
        .addInitializer(w)
        .addInitializer(b)
        .addNode(node("Flatten", List.of("x"), flat, intAttribute("axis", 1)))
        .addNode(node("Gemm", List.of(flat, "W", "b"), "logits", intAttribute("transB", 1)))
        .addOutput(valueInfo("logits", FLOAT, "N", CLASSES));
    if (withFeaturesOutput) {
      graph.addOutput(valueInfo("features", FLOAT, "N", FEATURES));
    }
    byte[] bytes = TestGraphs.model(graph, Map.of()).toByteArray();
    Files.write(dir.resolve("graph.onnx"), bytes);
    return bytes;
  }

  private void assertInfersTheStoredWeights(StudentModel student) {
    List<Image> frames = randomImages(random, 4, 2, 3, 3);
    StudentOutput out = student.infer(frames);
    for (int i = 0; i < frames.size(); i++) {
      double[] expected = affine(weights, bias, frames.get(i).pixels());
      for (int k = 0; k < CLASSES; k++) {
        assertThat((double) out.logits()[i][k]).isCloseTo(expected[k], within(1e-5));
      }
    }
  }

  @Test
  void modelWithExternalInitializersLoadsFromItsPath(@TempDir Path dir) throws Exception {
    writeModel(dir, true);
    try (StudentModel student = StudentModel.load(dir.resolve("graph.onnx"))) {
      assertThat(student.numClasses()).isEqualTo(CLASSES);
      assertInfersTheStoredWeights(student);
    }
  }

  @Test
  void sameModelFromBytesExplainsThatThePathIsNeeded(@TempDir Path dir) throws Exception {
    byte[] bytes = writeModel(dir, true);
    assertThatThrownBy(() -> StudentModel.load(bytes, "bundle-graph"))
        .isInstanceOf(StudentModelException.class)
        .hasMessageContaining("bundle-graph")
        .hasMessageContaining("initializer 'W' in an external data file")
        .hasMessageContaining("setModel(Path)");
  }

  @Test
  void surgeryKeepsExternalReferencesAndFallsBackToSymbolicFeatureSize(@TempDir Path dir) throws Exception {
    byte[] bytes = writeModel(dir, false);
    // ONNX Runtime cannot load these bytes without their data file, so the shape of "flat" is not
    // known to the surgery: it flattens and declares a symbolic feature size.
    byte[] edited = ModelSurgery.promoteToFeatures(bytes, "flat");
    Path editedFile = dir.resolve("graph-with-features.onnx");
    Files.write(editedFile, edited);
    try (StudentModel student = StudentModel.load(editedFile)) {
      assertThat(student.featureDimension()).isEqualTo(FEATURES);
      Image frame = randomImages(random, 1, 2, 3, 3).get(0);
      assertThat(student.infer(frame).features()).containsExactly(frame.pixels(), within(0f));
      assertInfersTheStoredWeights(student);
    }
  }
}
