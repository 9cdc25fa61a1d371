package io.driftline.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The student's outputs for a batch of frames, row {@code i} belonging to frame {@code i}.
 *
 * @param features {@code [N][F]} features
 * @param logits {@code [N][K]} logits
 */
public record StudentOutput(float[][] features, float[][] logits) {

  /** Checks that both outputs have one row per frame. */
  public StudentOutput {
    if (features.length != logits.length) {
      throw new IllegalArgumentException(
          "features have " + features.length + " rows but logits have " + logits.length);
    }
  }

  /** Number of frames. */
  public int size() {
    return features.length;
  }

  /** Returns the output of frame {@code index}. */
  public Prediction prediction(int index) {
    return new Prediction(features[index], logits[index]);
  }

  /** Returns the output of every frame, in order. */
  public List<Prediction> predictions() {
    List<Prediction> out = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      out.add(prediction(i));
    }
    return out;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StudentOutput other
        && Arrays.deepEquals(features, other.features)
        && Arrays.deepEquals(logits, other.logits);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(features) + Arrays.deepHashCode(logits);
  }

  @Override
  public String toString() {
    int f = features.length == 0 ? 0 : features[0].length;
    int k = logits.length == 0 ? 0 : logits[0].length;
    return "StudentOutput[" + size() + " frames, " + f + " features, " + k + " logits]";
  }
}
