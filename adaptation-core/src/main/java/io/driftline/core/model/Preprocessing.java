package io.driftline.core.model;

import io.driftline.core.image.Image;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a student expects its input to be normalised: {@code x_model = (x * pixelScale - mean[c]) /
 * std[c]} for a pixel {@code x} in [0,1] of channel {@code c}.
 *
 * <p>{@code mean} and {@code std} are in the scaled unit: a model trained on 0..255 pixels with
 * ImageNet statistics has {@code pixelScale = 255}, {@code mean = {123.675, 116.28, 103.53}}. A
 * one-element {@code mean} or {@code std} applies to every channel.
 *
 * <p>The same fields can be stored in the ONNX model's {@code metadata_props} under the keys
 * {@value #PIXEL_SCALE_KEY}, {@value #MEAN_KEY} and {@value #STD_KEY} (numbers separated by commas).
 *
 * @param pixelScale factor from [0,1] pixels to the model's pixel unit (1 or 255 in practice)
 * @param mean per-channel mean in the scaled unit, one value or one per channel
 * @param std per-channel standard deviation in the scaled unit, same length as {@code mean}
 */
public record Preprocessing(float pixelScale, float[] mean, float[] std) {

  /** Metadata key of the pixel scale. */
  public static final String PIXEL_SCALE_KEY = "driftline.pixel_scale";
  /** Metadata key of the comma-separated per-channel means. */
  public static final String MEAN_KEY = "driftline.mean";
  /** Metadata key of the comma-separated per-channel standard deviations. */
  public static final String STD_KEY = "driftline.std";

  /** Checks that the values can normalise (finite, positive scale and deviations) and copies the arrays. */
  public Preprocessing {
    if (!(pixelScale > 0f) || !Float.isFinite(pixelScale)) {
      throw new IllegalArgumentException("pixelScale must be positive and finite, got " + pixelScale);
    }
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("mean and std need the same non-zero length, got "
          + mean.length + " and " + std.length);
    }
    for (int c = 0; c < mean.length; c++) {
      if (!Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("mean[" + c + "] must be finite, got " + mean[c]);
      }
      if (!(std[c] > 0f) || !Float.isFinite(std[c])) {
        throw new IllegalArgumentException("std[" + c + "] must be positive and finite, got " + std[c]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Returns the preprocessing that passes [0,1] pixels through unchanged. */
  public static Preprocessing identity() {
    return new Preprocessing(1f, new float[] {0f}, new float[] {1f});
  }

  /** Returns a preprocessing with one mean and standard deviation for all channels. */
  public static Preprocessing of(float pixelScale, float mean, float std) {
    return new Preprocessing(pixelScale, new float[] {mean}, new float[] {std});
  }

  /** Returns a copy of the per-channel means. */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /** Returns a copy of the per-channel standard deviations. */
  @Override
  public float[] std() {
    return std.clone();
  }

  /** Whether this preprocessing can normalise images with {@code channels} channels. */
  public boolean fits(int channels) {
    return mean.length == 1 || mean.length == channels;
  }

  /** Returns the normalised value of pixel {@code x} (in [0,1]) of channel {@code channel}. */
  public float normalise(float x, int channel) {
    int c = mean.length == 1 ? 0 : channel;
    return (x * pixelScale - mean[c]) / std[c];
  }

  /**
   * Writes the normalised pixels of {@code image} into {@code out} starting at {@code offset}, in
   * the image's CHW order.
   *
   * @throws IllegalArgumentException if the image's channel count does not fit {@link #fits}
   */
  public void normaliseInto(Image image, float[] out, int offset) {
    if (!fits(image.channels())) {
      throw new IllegalArgumentException("preprocessing has " + mean.length
          + " channel statistics but the image has " + image.channels() + " channels");
    }
    float[] pixels = image.pixels();
    int plane = image.height() * image.width();
    for (int ch = 0; ch < image.channels(); ch++) {
      int c = mean.length == 1 ? 0 : ch;
      // Computed literally rather than as x * (s / d) - m / d so results match the documented
      // formula bit for bit, whoever recomputes it.
      float m = mean[c];
      float d = std[c];
      int base = ch * plane;
      for (int i = 0; i < plane; i++) {
        out[offset + base + i] = (pixels[base + i] * pixelScale - m) / d;
      }
    }
  }

  /** Returns the ONNX metadata_props entries that describe this preprocessing. */
  public Map<String, String> toMetadata() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put(PIXEL_SCALE_KEY, Float.toString(pixelScale));
    props.put(MEAN_KEY, join(mean));
    props.put(STD_KEY, join(std));
    return props;
  }

  /**
   * Reads a preprocessing from ONNX metadata_props; absent keys default to scale 1, mean 0, std 1.
   *
   * @param props the model's custom metadata
   * @param source the model source, named in error messages
   * @return the preprocessing, or null when none of the keys is present
   * @throws StudentModelException if a present key does not hold valid numbers
   */
  public static @Nullable Preprocessing fromMetadata(Map<String, String> props, String source) {
    String scale = props.get(PIXEL_SCALE_KEY);
    String mean = props.get(MEAN_KEY);
    String std = props.get(STD_KEY);
    if (scale == null && mean == null && std == null) {
      return null;
    }
    float[] scaleValue = scale == null ? new float[] {1f} : parse(scale, PIXEL_SCALE_KEY, source);
    if (scaleValue.length != 1) {
      throw new StudentModelException("metadata " + PIXEL_SCALE_KEY + " of model " + source
          + " must be one number, got '" + scale + "'");
    }
    float[] meanValue = mean == null ? new float[] {0f} : parse(mean, MEAN_KEY, source);
    float[] stdValue = std == null ? new float[] {1f} : parse(std, STD_KEY, source);
    if (meanValue.length != stdValue.length && meanValue.length != 1 && stdValue.length != 1) {
      throw new StudentModelException("metadata " + MEAN_KEY + " and " + STD_KEY + " of model "
          + source + " have " + meanValue.length + " and " + stdValue.length
          + " values; give one value or one per channel in both");
    }
    // A single value next to a per-channel list applies to every channel.
    int channels = Math.max(meanValue.length, stdValue.length);
    try {
      return new Preprocessing(scaleValue[0], broadcast(meanValue, channels), broadcast(stdValue, channels));
    } catch (IllegalArgumentException e) {
      throw new StudentModelException("metadata preprocessing of model " + source + " is invalid: "
          + e.getMessage(), e);
    }
  }

  private static float[] broadcast(float[] values, int length) {
    if (values.length == length) {
      return values;
    }
    float[] out = new float[length];
    Arrays.fill(out, values[0]);
    return out;
  }

  private static float[] parse(String text, String key, String source) {
    String[] parts = text.split(",");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new StudentModelException("metadata " + key + " of model " + source
            + " must be comma-separated numbers, got '" + text + "'", e);
      }
    }
    return out;
  }

  private static String join(float[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(values[i]);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Preprocessing other
        && Float.compare(pixelScale, other.pixelScale) == 0
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(std, other.std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Float.hashCode(pixelScale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Preprocessing[pixelScale=" + pixelScale + ", mean=" + Arrays.toString(mean)
        + ", std=" + Arrays.toString(std) + "]";
  }
}
