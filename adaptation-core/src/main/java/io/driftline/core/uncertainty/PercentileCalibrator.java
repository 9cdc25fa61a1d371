package io.driftline.core.uncertainty;

import java.util.Arrays;

/**
 * Maps a raw score to its percentile in a reference sample (the empirical CDF: the fraction of
 * reference scores less than or equal to it). Fitted on one model's scores on clean data, it turns a
 * model-specific scale (such as energy) into a reading in {@code [0,1]}, so a threshold written as a
 * percentile ("flag what is less familiar than 95 % of clean data") means the same on every model.
 * Instances are immutable.
 */
public final class PercentileCalibrator {

  private final double[] sorted;

  private PercentileCalibrator(double[] sorted) {
    this.sorted = sorted;
  }

  /**
   * Fits a calibrator on reference scores (copied; the array is left unchanged).
   *
   * @throws IllegalArgumentException if the sample is empty or holds NaN or an infinity
   */
  public static PercentileCalibrator fit(double[] referenceScores) {
    if (referenceScores.length == 0) {
      throw new IllegalArgumentException(
          "referenceScores is empty; calibrate on the model's scores for a sample of clean data");
    }
    double[] sorted = referenceScores.clone();
    for (int i = 0; i < sorted.length; i++) {
      if (!Double.isFinite(sorted[i])) {
        throw new IllegalArgumentException("referenceScores[" + i + "] is " + sorted[i]);
      }
    }
    Arrays.sort(sorted);
    return new PercentileCalibrator(sorted);
  }

  /**
   * Fits a calibrator on {@code measure}'s raw scores of reference logits (one array per sample).
   *
   * @throws IllegalArgumentException if there are no logits or one of them is empty or not finite
   */
  public static PercentileCalibrator fit(UncertaintyMeasure measure, Iterable<float[]> referenceLogits) {
    double[] scores = new double[16];
    int n = 0;
    for (float[] logits : referenceLogits) {
      if (n == scores.length) {
        scores = Arrays.copyOf(scores, 2 * n);
      }
      scores[n++] = measure.score(logits);
    }
    return fit(Arrays.copyOf(scores, n));
  }

  /**
   * Returns the fraction of reference scores {@code <= score}, in {@code [0,1]}.
   *
   * @throws IllegalArgumentException if {@code score} is NaN
   */
  public double percentile(double score) {
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("score is NaN");
    }
    return (double) countAtMost(score) / sorted.length;
  }

  /**
   * Returns the raw threshold equivalent to a percentile threshold: the smallest score {@code s}
   * with {@code percentile(s) >= p} ({@code -Infinity} for {@code p = 0}), so a device can compare
   * raw scores without a search per frame.
   *
   * @throws IllegalArgumentException if {@code p} is outside {@code [0,1]}
   */
  public double scoreAtPercentile(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("percentile must be in [0,1], got " + p);
    }
    int n = sorted.length;
    // Smallest k with k / n >= p, computed with the same division percentile() uses so that the
    // two methods agree exactly despite rounding of p * n.
    int k = (int) Math.min(n, Math.max(0, Math.ceil(p * n)));
    while (k > 0 && (double) (k - 1) / n >= p) {
      k--;
    }
    while ((double) k / n < p) {
      k++;
    }
    return k == 0 ? Double.NEGATIVE_INFINITY : sorted[k - 1];
  }

  /** Number of reference scores. */
  public int size() {
    return sorted.length;
  }

  /** Returns a sorted copy of the reference scores, e.g. to store the calibration with a model. */
  public double[] referenceScores() {
    return sorted.clone();
  }

  private int countAtMost(double score) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= score) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return "PercentileCalibrator[" + sorted.length + " scores in [" + sorted[0] + ", "
        + sorted[sorted.length - 1] + "]]";
  }
}
