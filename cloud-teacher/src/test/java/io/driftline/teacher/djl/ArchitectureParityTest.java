package io.driftline.teacher.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.teacher.onnx.ReferenceArchitecture;
import io.driftline.teacher.train.ClassifierTrainer;
import io.driftline.teacher.train.TensorDataset;
import io.driftline.teacher.train.TrainingConfig;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Whole architectures give the same features and logits in ONNX Runtime and DJL, before and after training. */
class ArchitectureParityTest {

  private static final ReferenceArchitecture.InputSpec SPEC = new ReferenceArchitecture.InputSpec(
      1, 28, 28, List.of("a", "b", "c"), io.driftline.core.model.Preprocessing.of(1f, 0.5f, 0.5f));

  @ParameterizedTest
  @EnumSource(ReferenceArchitecture.class)
  void randomWeightsAgree(ReferenceArchitecture architecture) {
    ModelProto onnx = architecture.build(SPEC, 11);
    try (ImportedModel imported = ImportedModel.of(onnx)) {
      assertAgree(imported, onnx);
    }
  }

  @ParameterizedTest
  @EnumSource(ReferenceArchitecture.class)
  void trainedWeightsAndRunningStatisticsAreWrittenBackAndAgree(ReferenceArchitecture architecture) {
    ModelProto initial = architecture.build(SPEC, 11);
    try (ImportedModel imported = ImportedModel.of(initial)) {
      TensorDataset data = TensorDataset.of(randomImages(96), 96, 1, 28, 28, SPEC.preprocessing());
      ClassifierTrainer.train(architecture.id(), imported, data, new TrainingConfig(2, 32, 1e-3f, 0f, 0, 3, null), p -> { });
      ModelProto trained = imported.toOnnx();
      assertThat(floats(trained, "conv1.weight")).isNotEqualTo(floats(initial, "conv1.weight"));
      assertThat(floats(trained, "bn1.mean")).isNotEqualTo(floats(initial, "bn1.mean"));
      assertThat(floats(trained, "bn1.var")).isNotEqualTo(floats(initial, "bn1.var"));
      assertThat(floats(trained, "classifier.bias")).isNotEqualTo(floats(initial, "classifier.bias"));
      assertAgree(imported, trained);
    }
  }

  private static void assertAgree(ImportedModel imported, ModelProto onnx) {
    SplittableRandom random = new SplittableRandom(5);
    float[] input = new float[4 * 28 * 28];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    StudentOutput expected;
    try (StudentModel student = StudentModel.load(onnx.toByteArray(), "parity")) {
      expected = student.inferTensor(input, 4);
    }
    try (NDManager manager = NDManager.newBaseManager(DjlEngines.ENGINE)) {
      NDList out = imported.predict(new NDList(manager.create(input, new Shape(4, 1, 28, 28))));
      List<String> names = imported.block().outputNames();
      float[] features = out.get(names.indexOf(StudentModel.DEFAULT_FEATURES_OUTPUT)).toFloatArray();
      float[] logits = out.get(names.indexOf(StudentModel.DEFAULT_LOGITS_OUTPUT)).toFloatArray();
      assertClose(features, expected.features());
      assertClose(logits, expected.logits());
    }
  }

  private static void assertClose(float[] actual, float[][] expected) {
    int width = expected[0].length;
    assertThat(actual).hasSize(expected.length * width);
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i]).as("value %d", i).isCloseTo(expected[i / width][i % width], within(1e-4f));
    }
  }

  private static float[] floats(ModelProto model, String name) {
    TensorProto tensor = model.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    var buffer = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  static LabeledImages randomImages(int count) {
    SplittableRandom random = new SplittableRandom(9);
    Image[] images = new Image[count];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      float[] pixels = new float[28 * 28];
      labels[i] = i % 3;
      for (int p = 0; p < pixels.length; p++) {
        // Class-dependent brightness so the loss has something to learn.
        pixels[p] = (float) Math.min(1, Math.max(0, 0.3 * labels[i] + 0.2 * random.nextDouble()));
      }
      images[i] = Image.wrap(1, 28, 28, pixels);
    }
    return new LabeledImages() {
      @Override
      public int size() {
        return count;
      }

      @Override
      public Image image(int index) {
        return images[index];
      }

      @Override
      public int label(int index) {
        return labels[index];
      }

      @Override
      public List<String> classNames() {
        return List.of("a", "b", "c");
      }

      @Override
      public String source() {
        return "random";
      }
    };
  }
}
