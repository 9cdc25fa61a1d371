package io.driftline.core.data;

import io.driftline.core.image.Image;
import java.util.List;

/** A finite, randomly accessible set of labelled images, such as an IDX pair or an image folder. */
public interface LabeledImages {

  /** Number of samples. */
  int size();

  /** Returns sample {@code index} as an image in [0,1] pixel space. */
  Image image(int index);

  /** Returns the class index of sample {@code index}, in {@code [0, classNames().size())}. */
  int label(int index);

  /** Names of the classes, by class index. */
  List<String> classNames();

  /** A short description for logs and errors, such as the file or folder it came from. */
  String source();
}
