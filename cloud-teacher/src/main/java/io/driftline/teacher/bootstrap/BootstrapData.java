package io.driftline.teacher.bootstrap;

import io.driftline.core.data.LabeledImages;
import java.util.List;

/**
 * The labelled images a bootstrap trains and evaluates on, and the input size the models get.
 *
 * @param train training set
 * @param test test set (same classes)
 * @param channels model input channels
 * @param height model input height
 * @param width model input width
 */
public record BootstrapData(LabeledImages train, LabeledImages test, int channels, int height, int width) {

  /** Checks that both sets name the same classes and are not empty. */
  public BootstrapData {
    if (train.size() == 0 || test.size() == 0) {
      throw new IllegalArgumentException("training set " + train.source() + " and test set " + test.source()
          + " must both hold samples, got " + train.size() + " and " + test.size());
    }
    List<String> trainClasses = train.classNames();
    if (!trainClasses.equals(test.classNames())) {
      throw new IllegalArgumentException("training set classes " + trainClasses + " differ from test set classes "
          + test.classNames());
    }
  }

  /** Returns the data with the model input size taken from the first training image. */
  public static BootstrapData of(LabeledImages train, LabeledImages test) {
    var first = train.image(0);
    return new BootstrapData(train, test, first.channels(), first.height(), first.width());
  }
}
