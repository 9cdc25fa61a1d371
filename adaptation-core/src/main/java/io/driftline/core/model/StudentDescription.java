package io.driftline.core.model;

import java.util.List;

/**
 * What a loaded student expects and produces: its input shape, preprocessing, output names and
 * sizes, and optional class names. {@link StudentModel} resolves it from the ONNX model, its
 * metadata and the builder options.
 *
 * @param source where the model came from (file path or the name given with its bytes)
 * @param inputName name of the single image input
 * @param channels input channels {@code C}
 * @param height input height {@code H}
 * @param width input width {@code W}
 * @param preprocessing how [0,1] pixels are normalised before the model sees them
 * @param featuresOutput name of the {@code [N, F]} features output
 * @param logitsOutput name of the {@code [N, K]} logits output
 * @param featureDimension {@code F}
 * @param numClasses {@code K}
 * @param classNames one name per class, or empty when the model does not say
 */
public record StudentDescription(
    String source,
    String inputName,
    int channels,
    int height,
    int width,
    Preprocessing preprocessing,
    String featuresOutput,
    String logitsOutput,
    int featureDimension,
    int numClasses,
    List<String> classNames) {

  /** Metadata key of the comma-separated class names in the ONNX model's metadata_props. */
  public static final String CLASS_NAMES_KEY = "driftline.class_names";

  /** Checks sizes and that the class names, when given, match the number of classes. */
  public StudentDescription {
    if (channels <= 0 || height <= 0 || width <= 0 || featureDimension <= 0 || numClasses <= 0) {
      throw new IllegalArgumentException("student " + source + " needs positive sizes, got input "
          + channels + "x" + height + "x" + width + ", " + featureDimension + " features, "
          + numClasses + " classes");
    }
    if (!preprocessing.fits(channels)) {
      throw new IllegalArgumentException("preprocessing of student " + source + " has "
          + preprocessing.mean().length + " channel statistics but the input has " + channels
          + " channels; give one value or one per channel");
    }
    classNames = List.copyOf(classNames);
    if (!classNames.isEmpty() && classNames.size() != numClasses) {
      throw new IllegalArgumentException("student " + source + " has " + numClasses
          + " classes but " + classNames.size() + " class names were given");
    }
  }

  /** Number of input values per frame, {@code C * H * W}. */
  public int frameSize() {
    return channels * height * width;
  }
}
