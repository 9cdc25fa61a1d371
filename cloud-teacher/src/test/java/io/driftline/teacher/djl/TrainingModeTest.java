package io.driftline.teacher.djl;

import static io.driftline.core.model.OnnxGraphs.floatAttribute;
import static io.driftline.core.model.OnnxGraphs.floatTensor;
import static io.driftline.core.model.OnnxGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BatchNormalization and Dropout behave as ONNX defines them in training mode. */
class TrainingModeTest {

  private static final long[] X = {4, 2, 3, 3};

  @Test
  void batchNormalizationUsesBatchStatisticsAndUpdatesRunningOnes() {
    ModelProto model = OnnxBlockParityTest.model(X, X, g -> g
        .addInitializer(floatTensor("s", new float[] {1f, 2f}, 2)).addInitializer(floatTensor("b", new float[] {0f, 1f}, 2))
        .addInitializer(floatTensor("m", new float[] {0f, 0f}, 2)).addInitializer(floatTensor("v", new float[] {1f, 1f}, 2))
        .addNode(node("BatchNormalization", "bn", List.of("x", "s", "b", "m", "v"), "y")
            .addAttribute(floatAttribute("momentum", 0.8f)).addAttribute(floatAttribute("epsilon", 1e-5f))));
    float[] input = new float[72];
    for (int i = 0; i < input.length; i++) {
      input[i] = (i * 7 % 11) + (i / 9 % 2) * 5f;
    }
    try (ImportedModel imported = ImportedModel.of(model);
        NDManager manager = NDManager.newBaseManager(DjlEngines.ENGINE)) {
      NDArray x = manager.create(input, new Shape(X));
      float[] y = imported.block().forward(new ParameterStore(manager, false), new NDList(x), true).head().toFloatArray();
      float[] runningMean = floats(imported.toOnnx(), "m");
      float[] runningVar = floats(imported.toOnnx(), "v");
      float[] scale = {1f, 2f};
      float[] shift = {0f, 1f};
      for (int c = 0; c < 2; c++) {
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (int b = 0; b < 4; b++) {
          for (int p = 0; p < 9; p++) {
            double v = input[(b * 2 + c) * 9 + p];
            sum += v;
            squares += v * v;
            n++;
          }
        }
        double mean = sum / n;
        double variance = squares / n - mean * mean;
        for (int b = 0; b < 4; b++) {
          for (int p = 0; p < 9; p++) {
            int i = (b * 2 + c) * 9 + p;
            double expected = scale[c] * (input[i] - mean) / Math.sqrt(variance + 1e-5) + shift[c];
            assertThat((double) y[i]).isCloseTo(expected, within(1e-4));
          }
        }
        assertThat((double) runningMean[c]).isCloseTo(0.8 * 0 + 0.2 * mean, within(1e-4));
        // PyTorch (and the ONNX reference) update the running variance with the unbiased batch variance.
        assertThat((double) runningVar[c]).isCloseTo(0.8 * 1 + 0.2 * variance * n / (n - 1), within(1e-3));
      }
    }
  }

  @Test
  void dropoutZeroesAShareAndRescalesOnlyInTraining() {
    long[] shape = {1, 20000};
    ModelProto model = OnnxBlockParityTest.model(shape, shape, g -> g
        .addInitializer(floatTensor("ratio", new float[] {0.25f}))
        .addNode(node("Dropout", "drop", List.of("x", "ratio"), "y")));
    float[] ones = new float[20000];
    java.util.Arrays.fill(ones, 1f);
    try (ImportedModel imported = ImportedModel.of(model);
        NDManager manager = NDManager.newBaseManager(DjlEngines.ENGINE)) {
      NDArray x = manager.create(ones, new Shape(shape));
      float[] trained = imported.block().forward(new ParameterStore(manager, false), new NDList(x), true).head().toFloatArray();
      int zeros = 0;
      for (float v : trained) {
        if (v == 0f) {
          zeros++;
        } else {
          assertThat(v).isCloseTo(1f / 0.75f, within(1e-5f));
        }
      }
      assertThat(zeros / 20000.0).isCloseTo(0.25, within(0.02));
      assertThat(imported.predict(new NDList(x)).head().toFloatArray()).containsOnly(1f);
    }
  }

  private static float[] floats(ModelProto model, String name) {
    var tensor = model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    var buffer = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }
}
