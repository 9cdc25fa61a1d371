package io.driftline.core.data;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.util.List;

/**
 * Same-shape labelled images held as one contiguous array of 8-bit pixels (a quarter of the memory
 * of floats); each {@link #image} call converts one sample to [0,1] floats.
 */
final class Uint8Images implements LabeledImages {

  private final int channels;
  private final int height;
  private final int width;
  private final byte[] pixels;
  private final byte[] labels;
  private final List<String> classNames;
  private final String source;

  Uint8Images(
      int channels, int height, int width, byte[] pixels, byte[] labels, List<String> classNames,
      String source) {
    if ((long) channels * height * width * labels.length != pixels.length) {
      throw new IllegalArgumentException(
          "pixel array of " + pixels.length + " bytes does not hold " + labels.length + " images of "
              + channels + "x" + height + "x" + width);
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.pixels = pixels;
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
    this.source = source;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public Image image(int index) {
    // the index first: an empty set's shape need not describe an array that can be allocated
    int sample = checkIndex(index, labels.length, source);
    int plane = channels * height * width;
    byte[] one = new byte[plane];
    System.arraycopy(pixels, sample * plane, one, 0, plane);
    return ImageOps.fromUint8(channels, height, width, one);
  }

  @Override
  public int label(int index) {
    return labels[checkIndex(index, labels.length, source)] & 0xFF;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "LabeledImages[" + source + ", " + size() + " x " + channels + "x" + height + "x" + width + "]";
  }

  /** Returns {@code index} if it is a sample of a set of {@code size}, else throws naming the set. */
  static int checkIndex(int index, int size, String source) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("sample " + index + " of " + size + " in " + source);
    }
    return index;
  }
}
