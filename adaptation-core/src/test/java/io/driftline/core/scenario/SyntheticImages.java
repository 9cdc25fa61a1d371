package io.driftline.core.scenario;

import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small in-memory data set with distinct random images, so a frame can be traced to its sample. */
final class SyntheticImages implements LabeledImages {

  private final List<Image> images = new ArrayList<>();
  private final int[] labels;
  private final List<String> classNames;

  /** {@code size} grey images of {@code side x side} with pixels in [0, 0.5]; label = index mod classes. */
  SyntheticImages(int size, int side, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    labels = new int[size];
    for (int i = 0; i < size; i++) {
      float[] p = new float[side * side];
      for (int k = 0; k < p.length; k++) {
        p[k] = random.nextInt(128) / 255f;
      }
      images.add(Image.wrap(1, side, side, p));
      labels[i] = i % classes;
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add("class" + c);
    }
    classNames = List.copyOf(names);
  }

  /** The index of the sample whose image equals {@code image}, or -1. */
  int indexOf(Image image) {
    return images.indexOf(image);
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public Image image(int index) {
    return images.get(index).copy();
  }

  @Override
  public int label(int index) {
    return labels[index];
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public String source() {
    return "synthetic";
  }
}
