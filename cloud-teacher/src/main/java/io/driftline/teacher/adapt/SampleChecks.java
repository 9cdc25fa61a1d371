package io.driftline.teacher.adapt;

/** Checks of the (features, soft targets, weights) triples every adaptor trainer takes. */
final class SampleChecks {

  private SampleChecks() {}

  /**
   * Checks counts, lengths and values: the same non-zero number of feature vectors, targets and
   * weights; all feature vectors one length and finite; all targets one length {@code >= 2}, finite
   * and {@code >= 0}; weights finite, {@code >= 0} and not all zero.
   *
   * @return the number of samples
   * @throws IllegalArgumentException naming the first bad sample
   */
  static int check(float[][] features, float[][] targets, double[] weights) {
    int n = features.length;
    if (n == 0 || targets.length != n || weights.length != n) {
      throw new IllegalArgumentException(
          features.length + " feature vectors, " + targets.length + " targets and "
              + weights.length + " weights: counts must match and be non-zero");
    }
    int inputs = features[0].length;
    int classes = targets[0].length;
    if (inputs == 0 || classes < 2) {
      throw new IllegalArgumentException(
          "need >= 1 feature and >= 2 classes, got " + inputs + " and " + classes);
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (features[i].length != inputs || targets[i].length != classes) {
        throw new IllegalArgumentException(
            "sample " + i + " has " + features[i].length + " features and " + targets[i].length
                + " targets, expected " + inputs + " and " + classes);
      }
      for (float v : features[i]) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("sample " + i + " has a non-finite feature " + v);
        }
      }
      for (float v : targets[i]) {
        if (!(v >= 0) || Float.isInfinite(v)) {
          throw new IllegalArgumentException(
              "sample " + i + " has target value " + v + "; targets must be finite and >= 0");
        }
      }
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException(
            "sample " + i + " has weight " + weights[i] + "; weights must be finite and >= 0");
      }
      total += weights[i];
    }
    if (total <= 0) {
      throw new IllegalArgumentException("all " + n + " sample weights are 0: nothing to learn from");
    }
    return n;
  }
}
