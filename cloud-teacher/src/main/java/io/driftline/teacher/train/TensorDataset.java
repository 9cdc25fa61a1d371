package io.driftline.teacher.train;

import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.Preprocessing;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A labelled image set held in memory at a model's input size, so training batches are assembled
 * without decoding: the frames in [0,1] (for augmentation) and their normalised tensor.
 */
public final class TensorDataset {

  private final String source;
  private final List<String> classNames;
  private final int channels;
  private final int height;
  private final int width;
  private final Preprocessing preprocessing;
  private final Image[] frames;
  private final float[] tensor;
  private final int[] labels;

  private TensorDataset(LabeledImages images, int limit, int channels, int height, int width, Preprocessing preprocessing) {
    this.source = images.source();
    this.classNames = List.copyOf(images.classNames());
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.preprocessing = preprocessing;
    int size = Math.min(limit, images.size());
    this.frames = new Image[size];
    this.labels = new int[size];
    int frameSize = channels * height * width;
    this.tensor = new float[Math.multiplyExact(size, frameSize)];
    for (int i = 0; i < size; i++) {
      frames[i] = ImageOps.conform(images.image(i), channels, height, width);
      labels[i] = images.label(i);
      preprocessing.normaliseInto(frames[i], tensor, i * frameSize);
    }
  }

  /**
   * Loads the first {@code limit} samples of {@code images}, conformed to the given input size and
   * normalised with {@code preprocessing}.
   */
  public static TensorDataset of(
      LabeledImages images, int limit, int channels, int height, int width, Preprocessing preprocessing) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return new TensorDataset(images, limit, channels, height, width, preprocessing);
  }

  /**
   * Returns the preprocessing that standardises {@code images}: one mean and standard deviation
   * over all pixels of the first {@code limit} samples.
   */
  public static Preprocessing standardisation(LabeledImages images, int limit) {
    double sum = 0;
    double squares = 0;
    long count = 0;
    int size = Math.min(limit, images.size());
    for (int i = 0; i < size; i++) {
      for (float p : images.image(i).pixels()) {
        sum += p;
        squares += (double) p * p;
      }
      count += images.image(i).pixels().length;
    }
    double mean = sum / count;
    double std = Math.sqrt(Math.max(squares / count - mean * mean, 1e-8));
    return Preprocessing.of(1f, (float) mean, (float) std);
  }

  /** Number of samples. */
  public int size() {
    return labels.length;
  }

  /** Where the samples came from. */
  public String source() {
    return source;
  }

  /** Class names by label. */
  public List<String> classNames() {
    return classNames;
  }

  /** Values per frame, {@code C * H * W}. */
  public int frameSize() {
    return channels * height * width;
  }

  /** Input channels. */
  public int channels() {
    return channels;
  }

  /** Input height. */
  public int height() {
    return height;
  }

  /** Input width. */
  public int width() {
    return width;
  }

  /** Label of sample {@code index}. */
  public int label(int index) {
    return labels[index];
  }

  /**
   * Writes the normalised tensors and labels of the samples {@code order[from .. from + count)}
   * into {@code images} and {@code batchLabels}; with an augmentation, frames it picks are
   * corrupted first.
   */
  public void fillBatch(int[] order, int from, int count, float[] images, float[] batchLabels,
      @Nullable CorruptionAugmentation augmentation, int epoch) {
    int frameSize = frameSize();
    for (int i = 0; i < count; i++) {
      int index = order[from + i];
      batchLabels[i] = labels[index];
      Image frame = augmentation == null ? frames[index] : augmentation.apply(frames[index], epoch, index);
      if (frame == frames[index]) {
        System.arraycopy(tensor, index * frameSize, images, i * frameSize, frameSize);
      } else {
        preprocessing.normaliseInto(frame, images, i * frameSize);
      }
    }
  }
}
