package io.driftline.core.model;

import static io.driftline.core.model.TestGraphs.FLOAT;
import static io.driftline.core.model.TestGraphs.affine;
import static io.driftline.core.model.TestGraphs.floats;
import static io.driftline.core.model.TestGraphs.intAttribute;
import static io.driftline.core.model.TestGraphs.node;
import static io.driftline.core.model.TestGraphs.randomImage;
import static io.driftline.core.model.TestGraphs.randomImages;
import static io.driftline.core.model.TestGraphs.randomMatrix;
import static io.driftline.core.model.TestGraphs.randomVector;
import static io.driftline.core.model.TestGraphs.valueInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class StudentModelTest {

  @Test
  void infersHandComputedFeaturesAndLogits() {
    SplittableRandom random = new SplittableRandom(1);
    float[][] weights = randomMatrix(random, 3, 4);
    float[] bias = randomVector(random, 3);
    byte[] bytes = TestGraphs.linear("N", 1, 2, 2, weights, bias).toByteArray();
    Preprocessing byteScale = new Preprocessing(255f, new float[] {127.5f}, new float[] {63.75f});
    try (StudentModel student = StudentModel.builder().setModel(bytes, "linear").optPreprocessing(byteScale).build()) {
      assertThat(student.featureDimension()).isEqualTo(4);
      assertThat(student.numClasses()).isEqualTo(3);
      assertThat(student.inputShape()).containsExactly(1, 2, 2);
      for (int trial = 0; trial < 20; trial++) {
        Image frame = randomImage(random, 1, 2, 2);
        Prediction p = student.infer(frame);
        float[] expectedFeatures = new float[4];
        for (int i = 0; i < 4; i++) {
          expectedFeatures[i] = (float) ((frame.pixels()[i] * 255.0 - 127.5) / 63.75);
        }
        assertThat(p.features()).containsExactly(expectedFeatures, within(1e-5f));
        double[] expectedLogits = affine(weights, bias, expectedFeatures);
        for (int k = 0; k < 3; k++) {
          assertThat((double) p.logits()[k]).isCloseTo(expectedLogits[k], within(1e-4));
        }
        int best = 0;
        for (int k = 1; k < 3; k++) {
          best = expectedLogits[k] > expectedLogits[best] ? k : best;
        }
        assertThat(p.argmax()).isEqualTo(best);
      }
    }
  }

  @Test
  void normalisesEachChannelWithItsOwnStatistics() {
    SplittableRandom random = new SplittableRandom(2);
    byte[] bytes = TestGraphs.linear("N", 3, 2, 2, randomMatrix(random, 2, 12), randomVector(random, 2)).toByteArray();
    float[] mean = {0.1f, 0.2f, 0.3f};
    float[] std = {0.5f, 1f, 2f};
    try (StudentModel student = StudentModel.builder().setModel(bytes, "rgb")
        .optPreprocessing(new Preprocessing(1f, mean, std)).build()) {
      Image frame = randomImage(random, 3, 2, 2);
      float[] features = student.infer(frame).features();
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 4; i++) {
          float x = frame.pixels()[c * 4 + i];
          assertThat(features[c * 4 + i]).isCloseTo((x - mean[c]) / std[c], within(1e-6f));
        }
      }
    }
  }

  @Test
  void convertsGreyFramesToColourAndResizesForTheModelInput() {
    SplittableRandom random = new SplittableRandom(3);
    byte[] bytes = TestGraphs.linear("N", 3, 32, 32, randomMatrix(random, 2, 3 * 32 * 32), randomVector(random, 2))
        .toByteArray();
    float[] mean = {0.1f, 0.4f, 0.7f};
    float[] std = {0.2f, 0.3f, 0.4f};
    try (StudentModel student = StudentModel.builder().setModel(bytes, "rgb32")
        .optPreprocessing(new Preprocessing(1f, mean, std)).build()) {
      // A constant grey frame stays constant under any resize and is copied to every channel.
      float[] grey = new float[28 * 28];
      Arrays.fill(grey, 0.4f);
      float[] features = student.infer(new Image(1, 28, 28, grey)).features();
      assertThat(features).hasSize(3 * 32 * 32);
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 32 * 32; i++) {
          assertThat(features[c * 1024 + i]).isCloseTo((0.4f - mean[c]) / std[c], within(1e-5f));
        }
      }
      // A textured frame: the three channel planes carry the same resized picture.
      Image frame = randomImage(random, 1, 28, 28);
      float[] textured = student.infer(frame).features();
      Image expected = ImageOps.resize(frame, 32, 32);
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 32 * 32; i++) {
          assertThat(textured[c * 1024 + i] * std[c] + mean[c]).isCloseTo(expected.pixels()[i], within(1e-5f));
        }
      }
    }
  }

  @Test
  void convertsColourFramesToGreyWithLumaWeights() {
    SplittableRandom random = new SplittableRandom(4);
    byte[] bytes = TestGraphs.linear("N", 1, 4, 4, randomMatrix(random, 2, 16), randomVector(random, 2)).toByteArray();
    try (StudentModel student = StudentModel.load(bytes, "grey")) {
      float r = 0.9f;
      float g = 0.5f;
      float b = 0.1f;
      float[] rgb = new float[3 * 8 * 8];
      Arrays.fill(rgb, 0, 64, r);
      Arrays.fill(rgb, 64, 128, g);
      Arrays.fill(rgb, 128, 192, b);
      float[] features = student.infer(new Image(3, 8, 8, rgb)).features();
      float luma = 0.299f * r + 0.587f * g + 0.114f * b;
      float[] expected = new float[16];
      Arrays.fill(expected, luma);
      assertThat(features).containsExactly(expected, within(1e-5f));
    }
  }

  @Test
  void batchOfOneAndBatchOfThirtyTwoGiveTheSameRows() {
    SplittableRandom random = new SplittableRandom(5);
    List<Image> frames = randomImages(random, 32, 1, 28, 28);
    try (StudentModel student = StudentModel.load(SyntheticStudents.nano(7), "nano")) {
      StudentOutput batch = student.infer(frames);
      assertThat(batch.size()).isEqualTo(32);
      for (int i = 0; i < 32; i++) {
        Prediction single = student.infer(frames.get(i));
        assertThat(batch.features()[i]).containsExactly(single.features(), within(1e-5f));
        assertThat(batch.logits()[i]).containsExactly(single.logits(), within(1e-5f));
      }
      // The rows really differ per frame, so a mix-up of rows would be caught above.
      assertThat(batch.logits()[0]).isNotEqualTo(batch.logits()[1]);
    }
  }

  @Test
  void concurrentInferenceEqualsSequentialInference() throws Exception {
    SplittableRandom random = new SplittableRandom(6);
    List<List<Image>> batches = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      batches.add(randomImages(random, 1 + random.nextInt(8), 1, 28, 28));
    }
    // One intra-op thread keeps kernels bit-for-bit deterministic, so results must be identical.
    try (StudentModel student = StudentModel.builder().setModel(SyntheticStudents.nano(8), "nano")
        .optIntraOpThreads(1).build()) {
      List<StudentOutput> sequential = new ArrayList<>();
      for (List<Image> batch : batches) {
        sequential.add(student.infer(batch));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<StudentOutput>> futures = new ArrayList<>();
        for (List<Image> batch : batches) {
          futures.add(pool.submit(() -> student.infer(batch)));
        }
        for (int i = 0; i < batches.size(); i++) {
          assertThat(futures.get(i).get()).isEqualTo(sequential.get(i));
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void closeWhileOtherThreadsInferLetsThemFinishOrFailCleanly() throws Exception {
    StudentModel student = StudentModel.builder().setModel(SyntheticStudents.nano(3), "nano-shared")
        .optIntraOpThreads(1).build();
    List<Image> frames = randomImages(new SplittableRandom(7), 4, 1, 28, 28);
    StudentOutput expected = student.infer(frames);
    int threads = 4;
    CountDownLatch running = new CountDownLatch(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          int completed = 0;
          while (true) {
            try {
              assertThat(student.infer(frames)).isEqualTo(expected);
            } catch (IllegalStateException closed) {
              return completed;
            }
            if (++completed == 1) {
              running.countDown();
            }
          }
        }));
      }
      running.await();
      student.close();
      for (Future<Integer> future : futures) {
        // Every thread ran at least once, and then stopped only because the model was closed.
        assertThat(future.get()).isPositive();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fixedBatchModelRunsLargerBatchesInChunks() {
    SplittableRandom random = new SplittableRandom(9);
    float[][] weights = randomMatrix(random, 2, 4);
    float[] bias = randomVector(random, 2);
    byte[] bytes = TestGraphs.linear(2, 1, 2, 2, weights, bias).toByteArray();
    try (StudentModel student = StudentModel.load(bytes, "fixed-batch")) {
      List<Image> frames = randomImages(random, 5, 1, 2, 2);
      StudentOutput out = student.infer(frames);
      assertThat(out.size()).isEqualTo(5);
      for (int i = 0; i < 5; i++) {
        float[] pixels = frames.get(i).pixels();
        assertThat(out.features()[i]).containsExactly(pixels, within(0f));
        double[] expected = affine(weights, bias, pixels);
        for (int k = 0; k < 2; k++) {
          assertThat((double) out.logits()[i][k]).isCloseTo(expected[k], within(1e-5));
        }
      }
    }
  }

  @Test
  void inferTensorMatchesInferOnPreparedTensor() {
    SplittableRandom random = new SplittableRandom(10);
    List<Image> frames = randomImages(random, 3, 1, 28, 28);
    try (StudentModel student = StudentModel.load(SyntheticStudents.nano(1), "nano")) {
      float[] tensor = student.toTensor(frames);
      assertThat(tensor).hasSize(3 * 28 * 28);
      // nano's metadata says mean 0.5, std 0.5.
      assertThat(tensor[5]).isCloseTo((frames.get(0).pixels()[5] - 0.5f) / 0.5f, within(1e-6f));
      assertThat(student.inferTensor(tensor, 3)).isEqualTo(student.infer(frames));
      assertThatThrownBy(() -> student.inferTensor(tensor, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nano").hasMessageContaining("1568").hasMessageContaining("2352");
      assertThat(student.inferTensor(new float[0], 0).size()).isZero();
    }
  }

  @Test
  void closeReleasesTheSessionAndLaterUseFailsClearly() {
    StudentModel student = StudentModel.load(SyntheticStudents.nano(2), "nano-closing");
    Image frame = Image.zeros(1, 28, 28);
    student.infer(frame);
    student.close();
    assertThat(student.isClosed()).isTrue();
    assertThatThrownBy(() -> student.infer(frame))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nano-closing").hasMessageContaining("closed");
    student.close();
  }

  @Test
  void readsPreprocessingAndClassNamesFromMetadataUnlessOverridden() {
    Preprocessing imagenet = new Preprocessing(255f, new float[] {123.675f, 116.28f, 103.53f},
        new float[] {58.395f, 57.12f, 57.375f});
    List<String> names = List.of("a", "b", "c");
    byte[] bytes = SyntheticStudents.builder().optChannels(3).optSize(16).optClasses(3)
        .optPreprocessing(imagenet).optClassNames(names).build(3);
    try (StudentModel student = StudentModel.load(bytes, "meta")) {
      assertThat(student.preprocessing()).isEqualTo(imagenet);
      assertThat(student.description().classNames()).containsExactly("a", "b", "c");
    }
    try (StudentModel student = StudentModel.builder().setModel(bytes, "meta")
        .optPreprocessing(Preprocessing.identity()).optClassNames(List.of("x", "y", "z")).build()) {
      assertThat(student.preprocessing()).isEqualTo(Preprocessing.identity());
      assertThat(student.description().classNames()).containsExactly("x", "y", "z");
    }
    assertThatThrownBy(() -> StudentModel.builder().setModel(bytes, "meta").optClassNames(List.of("x")).build())
        .isInstanceOf(StudentModelException.class)
        .hasMessageContaining("3 classes").hasMessageContaining("1 class names");
  }

  @Test
  void malformedPreprocessingMetadataNamesTheKeyAndModel() {
    SplittableRandom random = new SplittableRandom(11);
    ModelProto proto = TestGraphs.linear("N", 1, 2, 2, randomMatrix(random, 2, 4), randomVector(random, 2));
    byte[] bytes = proto.toBuilder().addMetadataProps(StringStringEntryProto.newBuilder()
        .setKey(Preprocessing.MEAN_KEY).setValue("0.5,abc")).build().toByteArray();
    assertThatThrownBy(() -> StudentModel.load(bytes, "bad-meta.onnx"))
        .isInstanceOf(StudentModelException.class)
        .hasMessageContaining("driftline.mean").hasMessageContaining("bad-meta.onnx").hasMessageContaining("0.5,abc");
  }

  @Test
  void symbolicOutputSizesAreFoundByAProbeRun() {
    SplittableRandom random = new SplittableRandom(12);
    float[][] weights = randomMatrix(random, 5, 4);
    ModelProto proto = TestGraphs.linear("N", 1, 2, 2, weights, randomVector(random, 5));
    GraphProto.Builder graph = proto.getGraph().toBuilder().clearOutput()
        .addOutput(valueInfo("features", FLOAT, "N", "F"))
        .addOutput(valueInfo("logits", FLOAT, "N", "K"));
    try (StudentModel student = StudentModel.load(proto.toBuilder().setGraph(graph).build().toByteArray(), "symbolic")) {
      assertThat(student.featureDimension()).isEqualTo(4);
      assertThat(student.numClasses()).isEqualTo(5);
    }
  }

  @Test
  void symbolicInputSizeMustBeConfigured() {
    // features = GlobalAveragePool over any H x W, so the model accepts every size.
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", FLOAT, "N", 1, "H", "W"))
        .addInitializer(floats("W", new float[] {2f}, 1, 1))
        .addInitializer(floats("b", new float[] {1f}, 1))
        .addNode(node("GlobalAveragePool", List.of("x"), "gap"))
        .addNode(node("Flatten", List.of("gap"), "features", intAttribute("axis", 1)))
        .addNode(node("Gemm", List.of("features", "W", "b"), "logits", intAttribute("transB", 1)))
        .addOutput(valueInfo("features", FLOAT, "N", 1))
        .addOutput(valueInfo("logits", FLOAT, "N", 1));
    byte[] bytes = TestGraphs.model(graph, Map.of()).toByteArray();
    assertThatThrownBy(() -> StudentModel.load(bytes, "any-size"))
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("height").hasMessageContaining("optInputShape");
    assertThatThrownBy(() -> StudentModel.builder().setModel(bytes, "any-size").optInputShape(3, 8, 8).build())
        .isInstanceOf(ModelSignatureException.class)
        .hasMessageContaining("fixed channels 1");
    try (StudentModel student = StudentModel.builder().setModel(bytes, "any-size").optInputShape(1, 8, 8).build()) {
      float[] pixels = new float[10 * 10];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (i % 10) / 9f; // a horizontal ramp: mean 0.5 at any size
      }
      Prediction p = student.infer(new Image(1, 10, 10, pixels));
      assertThat(p.features()[0]).isCloseTo(0.5f, within(1e-5f));
      assertThat(p.logits()[0]).isCloseTo(2f * 0.5f + 1f, within(1e-5f));
    }
  }
}
