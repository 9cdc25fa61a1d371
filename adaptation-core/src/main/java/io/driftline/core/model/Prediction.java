package io.driftline.core.model;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The student's output for one frame.
 *
 * @param features the features output ({@code F} values), the input of adaptors and the HDC encoder
 * @param logits the logits output ({@code K} values, one per class)
 */
public record Prediction(float[] features, float[] logits) {

  /** Returns the index of the largest logit (the first one on ties). */
  public int argmax() {
    int best = 0;
    for (int k = 1; k < logits.length; k++) {
      if (logits[k] > logits[best]) {
        best = k;
      }
    }
    return best;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Prediction other
        && Arrays.equals(features, other.features)
        && Arrays.equals(logits, other.logits);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(features) + Arrays.hashCode(logits);
  }

  @Override
  public String toString() {
    return "Prediction[features=" + features.length + " values, logits=" + Arrays.toString(logits) + "]";
  }
}
