package io.driftline.core.update;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An input-space correction applied to every frame before the student sees it:
 * {@code x' = clip(a ⊙ x + b + P, 0, 1)} in Driftline's [0,1] pixel space, i.e. before the
 * student's own normalisation.
 *
 * <p>{@code a} (scale) and {@code b} (shift) hold one value per channel; {@code P} is an additive
 * {@code C × h × w} prompt. When {@code h × w} differs from the frame size, P is resized bilinearly
 * ({@link ImageOps#resize}) to the frame size; the resized P is cached for the last frame size seen,
 * because a device feeds frames of one size and the resize would otherwise dominate the per-frame
 * cost. A low-resolution P (say 7×7 for 28×28 frames) is therefore a smooth correction with far
 * fewer parameters, and a full-resolution P is used as is.
 *
 * <p>Instances are immutable in value and safe to share between threads.
 */
public final class VisualPrompt {

  private final int channels;
  private final float[] scale;
  private final float[] shift;
  private final int promptHeight;
  private final int promptWidth;
  private final float[] prompt;
  private volatile Resized resized;

  private record Resized(int height, int width, float[] values) {}

  /**
   * Creates a prompt; all arrays are copied.
   *
   * @param scale per-channel scale {@code a} (its length is the channel count C)
   * @param shift per-channel shift {@code b}, C values
   * @param promptHeight height h of the additive prompt
   * @param promptWidth width w of the additive prompt
   * @param prompt additive prompt P, {@code C*h*w} values in CHW order
   * @throws IllegalArgumentException if a length does not match or a value is not finite
   */
  public VisualPrompt(
      float[] scale, float[] shift, int promptHeight, int promptWidth, float[] prompt) {
    int c = scale.length;
    if (c == 0) {
      throw new IllegalArgumentException("visual prompt needs at least one channel (scale is empty)");
    }
    if (shift.length != c) {
      throw new IllegalArgumentException(
          "visual prompt has " + c + " scale values but " + shift.length + " shift values");
    }
    if (promptHeight <= 0 || promptWidth <= 0) {
      throw new IllegalArgumentException(
          "visual prompt size must be positive, got " + promptHeight + "x" + promptWidth);
    }
    long expected = (long) c * promptHeight * promptWidth;
    if (prompt.length != expected) {
      throw new IllegalArgumentException(
          "additive prompt of " + c + "x" + promptHeight + "x" + promptWidth + " needs " + expected
              + " values, got " + prompt.length);
    }
    requireFinite("scale", scale);
    requireFinite("shift", shift);
    requireFinite("prompt", prompt);
    this.channels = c;
    this.scale = scale.clone();
    this.shift = shift.clone();
    this.promptHeight = promptHeight;
    this.promptWidth = promptWidth;
    this.prompt = prompt.clone();
    this.resized = new Resized(promptHeight, promptWidth, this.prompt);
  }

  private static void requireFinite(String field, float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "visual prompt " + field + "[" + i + "] is " + values[i] + "; values must be finite");
      }
    }
  }

  /** Returns the prompt that leaves frames of {@code channels} channels unchanged (a=1, b=0, P=0). */
  public static VisualPrompt identity(int channels) {
    if (channels <= 0) {
      throw new IllegalArgumentException("channel count must be positive, got " + channels);
    }
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    return new VisualPrompt(ones, new float[channels], 1, 1, new float[channels]);
  }

  /**
   * Returns the prompted frame as a new image; the input is not modified.
   *
   * @throws IllegalArgumentException if the image's channel count differs from the prompt's
   */
  public Image apply(Image frame) {
    float[] out = frame.pixels().clone();
    applyInPlace(out, frame.channels(), frame.height(), frame.width());
    return Image.wrap(frame.channels(), frame.height(), frame.width(), out);
  }

  /**
   * Applies the prompt in place to a CHW float buffer holding one frame, the allocation-free variant
   * for the per-frame path.
   *
   * @param chw {@code channels * height * width} pixels in [0,1], overwritten with the result
   * @throws IllegalArgumentException if the channel count differs from the prompt's or the buffer
   *     length does not match the shape
   */
  public void applyInPlace(float[] chw, int channels, int height, int width) {
    if (channels != this.channels) {
      throw new IllegalArgumentException(
          "visual prompt is for " + this.channels + "-channel frames but the frame has " + channels
              + " channels; convert the frame (ImageOps.toChannels) or use a prompt for this student");
    }
    if (height <= 0 || width <= 0 || chw.length != (long) channels * height * width) {
      throw new IllegalArgumentException(
          "frame buffer of " + chw.length + " values does not match shape " + channels + "x" + height
              + "x" + width);
    }
    float[] p = additiveAt(height, width);
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      float a = scale[c];
      float b = shift[c];
      int end = (c + 1) * plane;
      for (int i = c * plane; i < end; i++) {
        chw[i] = ImageOps.clamp01(a * chw[i] + b + p[i]);
      }
    }
  }

  /** Returns P resized to the frame size, from the cache when the size is the last one seen. */
  private float[] additiveAt(int height, int width) {
    Resized current = resized;
    if (current.height == height && current.width == width) {
      return current.values;
    }
    float[] values =
        ImageOps.resize(Image.wrap(channels, promptHeight, promptWidth, prompt), height, width)
            .pixels();
    resized = new Resized(height, width, values);
    return values;
  }

  /** Number of channels the prompt applies to. */
  public int channels() {
    return channels;
  }

  /** Returns a copy of the per-channel scale {@code a}. */
  public float[] scale() {
    return scale.clone();
  }

  /** Returns a copy of the per-channel shift {@code b}. */
  public float[] shift() {
    return shift.clone();
  }

  /** Height h of the additive prompt as stored. */
  public int promptHeight() {
    return promptHeight;
  }

  /** Width w of the additive prompt as stored. */
  public int promptWidth() {
    return promptWidth;
  }

  /** Returns a copy of the additive prompt P ({@code C*h*w} values, CHW). */
  public float[] prompt() {
    return prompt.clone();
  }

  /** Number of learned parameters: {@code 2C + C*h*w}. */
  public int parameterCount() {
    return 2 * channels + prompt.length;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof VisualPrompt other
        && other.promptHeight == promptHeight
        && other.promptWidth == promptWidth
        && Arrays.equals(scale, other.scale)
        && Arrays.equals(shift, other.shift)
        && Arrays.equals(prompt, other.prompt);
  }

  @Override
  public int hashCode() {
    int h = 31 * promptHeight + promptWidth;
    h = 31 * h + Arrays.hashCode(scale);
    h = 31 * h + Arrays.hashCode(shift);
    return 31 * h + Arrays.hashCode(prompt);
  }

  @Override
  public String toString() {
    return "VisualPrompt[" + channels + " channels, P " + promptHeight + "x" + promptWidth + "]";
  }
}
