package io.driftline.teacher.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.driftline.core.model.Preprocessing;
import io.driftline.core.model.StudentDescription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The reference architectures Driftline ships, each an ONNX graph with the student signature
 * (input {@code [N, C, H, W]}, outputs {@code features} and {@code logits}). Sizes below are for a
 * 1x28x28 input and 10 classes; the flatten layer follows the input size.
 *
 * <ul>
 *   <li>{@link #STUDENT_NANO}: microcontroller class, conv 8-16-32 (each Conv 3x3 + BN + Relu +
 *       MaxPool 2x2), dense 64 as features; 25,090 parameters, 64 features, 0.53 M MACs.</li>
 *   <li>{@link #STUDENT_SMALL}: phone class, conv 16-32-64, dense 128 as features; 98,554
 *       parameters, 1.99 M MACs.</li>
 *   <li>{@link #TEACHER}: conv 32-64-128 (pooling after the first two), dense 128 with dropout
 *       as features; 897,130 parameters (9.1x student-small), 8.26 M MACs.</li>
 * </ul>
 */
public enum ReferenceArchitecture {
  /** Microcontroller class: at most 30k parameters and 64 features. */
  STUDENT_NANO("student-nano",
      "3x [Conv 3x3 + BatchNorm + Relu + MaxPool 2x2] with 8-16-32 channels > Flatten > Gemm 64 + Relu (features) > Gemm (logits)") {
    @Override
    ConvNetBuilder layers(ConvNetBuilder net, int classes) {
      return net.convBnRelu(8).maxPool().convBnRelu(16).maxPool().convBnRelu(32).maxPool()
          .flatten().denseRelu(64).features().classifier(classes);
    }
  },
  /** Phone class: at most 300k parameters. */
  STUDENT_SMALL("student-small",
      "3x [Conv 3x3 + BatchNorm + Relu + MaxPool 2x2] with 16-32-64 channels > Flatten > Gemm 128 + Relu (features) > Gemm (logits)") {
    @Override
    ConvNetBuilder layers(ConvNetBuilder net, int classes) {
      return net.convBnRelu(16).maxPool().convBnRelu(32).maxPool().convBnRelu(64).maxPool()
          .flatten().denseRelu(128).features().classifier(classes);
    }
  },
  /** The cloud teacher: at least five times the parameters of student-small. */
  TEACHER("teacher",
      "Conv 3x3 + BatchNorm + Relu with 32-64-128 channels, MaxPool 2x2 after the first two > Flatten > Gemm 128 + Relu + Dropout 0.3 (features) > Gemm (logits)") {
    @Override
    ConvNetBuilder layers(ConvNetBuilder net, int classes) {
      return net.convBnRelu(32).maxPool().convBnRelu(64).maxPool().convBnRelu(128)
          .flatten().denseRelu(128).dropout(0.3f).features().classifier(classes);
    }
  };

  /** Metadata key naming the architecture in the ONNX model's metadata_props. */
  public static final String ARCHITECTURE_KEY = "driftline.architecture";

  private final String id;
  private final String summary;

  ReferenceArchitecture(String id, String summary) {
    this.id = id;
    this.summary = summary;
  }

  /** A one-line description of the layers. */
  public String summary() {
    return summary;
  }

  /** The name used on the command line, in file names and model cards, such as {@code student-nano}. */
  public String id() {
    return id;
  }

  /** Looks an architecture up by its {@link #id()}. */
  public static Optional<ReferenceArchitecture> byId(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    for (ReferenceArchitecture architecture : values()) {
      if (architecture.id.equals(wanted)) {
        return Optional.of(architecture);
      }
    }
    return Optional.empty();
  }

  abstract ConvNetBuilder layers(ConvNetBuilder net, int classes);

  /**
   * Builds the graph with random weights from {@code seed}; the preprocessing, class names and
   * architecture id go into the metadata so {@link io.driftline.core.model.StudentModel} loads it
   * without options.
   */
  public ModelProto build(InputSpec input, long seed) {
    ConvNetBuilder net = layers(builder(input, seed), input.classNames().size());
    Map<String, String> metadata = new LinkedHashMap<>(input.preprocessing().toMetadata());
    metadata.put(StudentDescription.CLASS_NAMES_KEY, String.join(",", input.classNames()));
    metadata.put(ARCHITECTURE_KEY, id);
    return net.build("Driftline reference architecture " + id, metadata);
  }

  /** Returns the size and cost of the architecture for {@code input}. */
  public ArchitectureStats stats(InputSpec input) {
    return layers(builder(input, 0), input.classNames().size()).stats();
  }

  private ConvNetBuilder builder(InputSpec input, long seed) {
    return new ConvNetBuilder(id, input.channels(), input.height(), input.width(), seed);
  }

  /**
   * What an architecture is built for.
   *
   * @param channels input channels
   * @param height input height (at least 8, for the three poolings)
   * @param width input width (at least 8)
   * @param classNames one name per class; class names cannot contain commas
   * @param preprocessing how [0,1] pixels are normalised, stored in the metadata
   */
  public record InputSpec(int channels, int height, int width, List<String> classNames, Preprocessing preprocessing) {

    /** Checks sizes and names. */
    public InputSpec {
      if (channels <= 0 || height < 8 || width < 8) {
        throw new IllegalArgumentException("input must have channels > 0 and be at least 8x8, got "
            + channels + "x" + height + "x" + width);
      }
      classNames = List.copyOf(classNames);
      if (classNames.size() < 2) {
        throw new IllegalArgumentException("need at least 2 classes, got " + classNames);
      }
      if (classNames.stream().anyMatch(n -> n.contains(","))) {
        throw new IllegalArgumentException("class names cannot contain commas: " + classNames);
      }
      if (!preprocessing.fits(channels)) {
        throw new IllegalArgumentException("preprocessing " + preprocessing + " does not fit " + channels + " channels");
      }
    }
  }
}
