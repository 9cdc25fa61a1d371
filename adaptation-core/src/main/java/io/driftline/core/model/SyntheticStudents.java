package io.driftline.core.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Builds random-weight ONNX students shaped like the reference students, for tests and benchmarks;
 * they have the student signature but have learnt nothing.
 *
 * <p>The graph is {@code depth} blocks of Conv 3x3 (padding 1) + Relu, with a 2x2 MaxPool after
 * every block but the last; then GlobalAveragePool and Flatten; optionally Gemm + Relu to
 * {@code featureDimension}; that tensor is the {@code features} output, and a final Gemm gives the
 * {@code logits} output. The first block has {@code width} channels and each next block doubles
 * them. The input is {@code input [N, channels, size, size]} with a symbolic batch {@code N}. Models
 * use IR version 8 and opset 13, weights are He-normal from the seed, and the preprocessing is
 * written to the metadata ({@link Preprocessing#toMetadata()}).
 */
public final class SyntheticStudents {

  /** IR version of the generated models. */
  public static final int IR_VERSION = OnnxGraphs.IR_VERSION;
  /** Default-domain opset of the generated models. */
  public static final int OPSET = OnnxGraphs.OPSET;
  /** Name of the image input. */
  public static final String INPUT = "input";

  private SyntheticStudents() {}

  /**
   * Builds the nano student: 1x28x28 input, three conv blocks of 16, 32 and 64 channels,
   * GlobalAveragePool as 64 features, 10 classes; 23,946 parameters (the MCU class: at most 30k
   * parameters and 64 features).
   */
  public static byte[] nano(long seed) {
    return builder().build(seed);
  }

  /**
   * Builds the small student: 1x28x28 input, three conv blocks of 32, 64 and 128 channels, a
   * 128-wide Gemm + Relu as 128 features, 10 classes; 110,474 parameters.
   */
  public static byte[] small(long seed) {
    return builder().optWidth(32).optDepth(3).optFeatureDimension(128).build(seed);
  }

  /** Returns a builder for other shapes; its defaults build the nano student. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a synthetic student; every option has the nano student's value by default. */
  public static final class Builder {

    private int channels = 1;
    private int size = 28;
    private int width = 16;
    private int depth = 3;
    private int featureDimension;
    private int classes = 10;
    private Preprocessing preprocessing = Preprocessing.of(1f, 0.5f, 0.5f);
    private List<String> classNames = List.of();

    private Builder() {}

    /** Sets the input channels (default 1). */
    public Builder optChannels(int channels) {
      this.channels = positive(channels, "channels");
      return this;
    }

    /** Sets the input height and width (default 28). */
    public Builder optSize(int size) {
      this.size = positive(size, "size");
      return this;
    }

    /** Sets the channels of the first conv block (default 16); each later block doubles them. */
    public Builder optWidth(int width) {
      this.width = positive(width, "width");
      return this;
    }

    /** Sets the number of conv blocks (default 3). */
    public Builder optDepth(int depth) {
      this.depth = positive(depth, "depth");
      return this;
    }

    /**
     * Sets the feature dimension, adding a Gemm + Relu projection after pooling (default: no
     * projection, the features are the pooled channels of the last block).
     */
    public Builder optFeatureDimension(int featureDimension) {
      this.featureDimension = positive(featureDimension, "featureDimension");
      return this;
    }

    /** Sets the number of classes (default 10). */
    public Builder optClasses(int classes) {
      this.classes = positive(classes, "classes");
      return this;
    }

    /** Sets the preprocessing written to the metadata (default pixel scale 1, mean 0.5, std 0.5). */
    public Builder optPreprocessing(Preprocessing preprocessing) {
      this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
      return this;
    }

    /** Sets class names written to the metadata (default none). */
    public Builder optClassNames(List<String> classNames) {
      this.classNames = List.copyOf(classNames);
      return this;
    }

    /** Builds the model's bytes with weights drawn from {@code seed}. */
    public byte[] build(long seed) {
      return buildModel(seed).toByteArray();
    }

    /** Builds the model with weights drawn from {@code seed}. */
    public ModelProto buildModel(long seed) {
      if (size < 1 << (depth - 1)) {
        throw new IllegalArgumentException("size " + size + " is too small for " + (depth - 1)
            + " 2x2 poolings");
      }
      if (!classNames.isEmpty() && classNames.size() != classes) {
        throw new IllegalArgumentException(
            classes + " classes but " + classNames.size() + " class names were given");
      }
      SplittableRandom random = new SplittableRandom(seed);
      GraphProto.Builder graph = GraphProto.newBuilder().setName("synthetic_student")
          .addInput(valueInfo(INPUT, dim("N"), dim(channels), dim(size), dim(size)));
      String current = INPUT;
      int in = channels;
      for (int block = 0; block < depth; block++) {
        int out = width << block;
        String conv = "conv" + (block + 1);
        graph.addInitializer(tensor(conv + ".weight", heNormal(random, out * in * 9, in * 9), out, in, 3, 3));
        graph.addInitializer(tensor(conv + ".bias", smallBias(random, out), out));
        graph.addNode(node("Conv", conv, List.of(current, conv + ".weight", conv + ".bias"), conv)
            .addAttribute(ints("kernel_shape", 3, 3))
            .addAttribute(ints("pads", 1, 1, 1, 1)));
        graph.addNode(node("Relu", "relu" + (block + 1), List.of(conv), "relu" + (block + 1)));
        current = "relu" + (block + 1);
        if (block < depth - 1) {
          String pool = "pool" + (block + 1);
          graph.addNode(node("MaxPool", pool, List.of(current), pool)
              .addAttribute(ints("kernel_shape", 2, 2))
              .addAttribute(ints("strides", 2, 2)));
          current = pool;
        }
        in = out;
      }
      graph.addNode(node("GlobalAveragePool", "gap", List.of(current), "gap"));
      int features = in;
      if (featureDimension > 0) {
        graph.addNode(node("Flatten", "flatten", List.of("gap"), "pooled").addAttribute(axis()));
        graph.addInitializer(tensor("projection.weight",
            heNormal(random, featureDimension * in, in), featureDimension, in));
        graph.addInitializer(tensor("projection.bias", smallBias(random, featureDimension), featureDimension));
        graph.addNode(gemm("projection", "pooled", "projection"));
        graph.addNode(node("Relu", "features_relu", List.of("projection"), StudentModel.DEFAULT_FEATURES_OUTPUT));
        features = featureDimension;
      } else {
        graph.addNode(node("Flatten", "flatten", List.of("gap"), StudentModel.DEFAULT_FEATURES_OUTPUT)
            .addAttribute(axis()));
      }
      // Logit weights are scaled for a linear layer (gain 1), the others for Relu layers (gain 2).
      float[] classifier = heNormal(random, classes * features, features);
      for (int i = 0; i < classifier.length; i++) {
        classifier[i] *= (float) Math.sqrt(0.5);
      }
      graph.addInitializer(tensor("classifier.weight", classifier, classes, features));
      graph.addInitializer(tensor("classifier.bias", smallBias(random, classes), classes));
      graph.addNode(gemm("classifier", StudentModel.DEFAULT_FEATURES_OUTPUT, StudentModel.DEFAULT_LOGITS_OUTPUT));
      graph.addOutput(valueInfo(StudentModel.DEFAULT_FEATURES_OUTPUT, dim("N"), dim(features)));
      graph.addOutput(valueInfo(StudentModel.DEFAULT_LOGITS_OUTPUT, dim("N"), dim(classes)));

      Map<String, String> metadata = new LinkedHashMap<>(preprocessing.toMetadata());
      if (!classNames.isEmpty()) {
        metadata.put(StudentDescription.CLASS_NAMES_KEY, String.join(",", classNames));
      }
      return OnnxGraphs.model(graph, "driftline-synthetic-students",
          "Random-weight synthetic student (seed " + seed + "), for tests and benchmarks only", metadata);
    }

    private static int positive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }

  private static float[] heNormal(SplittableRandom random, int count, int fanIn) {
    double scale = Math.sqrt(2.0 / fanIn);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextGaussian() * scale);
    }
    return values;
  }

  private static float[] smallBias(SplittableRandom random, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextGaussian() * 0.01);
    }
    return values;
  }

  private static TensorProto tensor(String name, float[] values, long... dims) {
    return OnnxGraphs.floatTensor(name, values, dims);
  }

  private static NodeProto.Builder node(String opType, String name, List<String> inputs, String output) {
    return OnnxGraphs.node(opType, name, inputs, output);
  }

  private static NodeProto.Builder gemm(String layer, String input, String output) {
    return node("Gemm", layer, List.of(input, layer + ".weight", layer + ".bias"), output)
        .addAttribute(OnnxGraphs.intAttribute("transB", 1));
  }

  private static AttributeProto axis() {
    return OnnxGraphs.intAttribute("axis", 1);
  }

  private static AttributeProto ints(String name, long... values) {
    return OnnxGraphs.intsAttribute(name, values);
  }

  private static TensorShapeProto.Dimension dim(long value) {
    return OnnxGraphs.dim(value);
  }

  private static TensorShapeProto.Dimension dim(String param) {
    return OnnxGraphs.dim(param);
  }

  private static ValueInfoProto valueInfo(String name, TensorShapeProto.Dimension... dims) {
    return OnnxGraphs.floatValueInfo(name, dims);
  }
}
