package io.driftline.core.image;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An image as planar float pixels in [0,1], channel-major (CHW), the one pixel space every part of
 * Driftline speaks: datasets produce it, corruptions transform it, the visual prompt adds to it, and
 * the student's preprocessing normalises it.
 *
 * <p>The pixel array is owned by the image; callers must not modify an array they passed in or got
 * from {@link #pixels()} unless they created the image themselves with {@link #wrap}.
 *
 * @param channels number of channels (1 for grey, 3 for RGB)
 * @param height rows
 * @param width columns
 * @param pixels {@code channels * height * width} values, index {@code (c * height + y) * width + x}
 */
public record Image(int channels, int height, int width, float[] pixels) {

  /** Checks the dimensions against the pixel array. */
  public Image {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image dimensions must be positive, got " + channels + "x" + height + "x" + width);
    }
    long expected = (long) channels * height * width;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          "image " + channels + "x" + height + "x" + width + " needs " + expected
              + " pixels, got " + pixels.length);
    }
  }

  /** Wraps an existing CHW pixel array without copying it. */
  public static Image wrap(int channels, int height, int width, float[] pixels) {
    return new Image(channels, height, width, pixels);
  }

  /** Returns a black image of the given shape. */
  public static Image zeros(int channels, int height, int width) {
    return new Image(channels, height, width, new float[channels * height * width]);
  }

  /** Returns the value at channel {@code c}, row {@code y}, column {@code x}. */
  public float get(int c, int y, int x) {
    return pixels[(c * height + y) * width + x];
  }

  /** Number of values in the image ({@code channels * height * width}). */
  public int size() {
    return pixels.length;
  }

  /** Returns a deep copy whose pixels can be modified freely. */
  public Image copy() {
    return new Image(channels, height, width, pixels.clone());
  }

  /** Whether two images have the same shape. */
  public boolean sameShape(Image other) {
    return channels == other.channels && height == other.height && width == other.width;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Image other && sameShape(other) && Arrays.equals(pixels, other.pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "Image[" + channels + "x" + height + "x" + width + "]";
  }
}
