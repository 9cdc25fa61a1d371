package io.driftline.drift.detect;

/**
 * ADWIN (adaptive windowing, Bifet and Gavaldà 2007) over a bounded window kept by the caller.
 *
 * <p>The window holds the most recent observations. ADWIN drops its oldest part when some split of
 * the window into an older part {@code W0} and a newer part {@code W1} has means farther apart than
 *
 * <pre>{@code ε = sqrt(2/m · σ² · ln(2/δ')) + 2/(3m) · ln(2/δ'),  m = 1 / (1/n0 + 1/n1),  δ' = δ / ln n}</pre>
 *
 * where {@code σ²} is the variance of the whole window of {@code n} values (the variance form of the
 * bound from the ADWIN paper). A smaller {@code δ} means fewer false alarms and later detections.
 *
 * <p>This is the exact variant: it checks every split with at least {@code minSide} values on each
 * side instead of the exponential-histogram buckets of ADWIN2, which is cheap for the short windows
 * (tens of telemetry windows) the drift detector uses and lets the window live in a plain array.
 */
public final class Adwin {

  private Adwin() {}

  /**
   * Returns the number of oldest values to drop from {@code values[from, to)}, or 0 if no split is
   * significant. When several splits are, the one with the largest mean difference relative to its
   * bound is cut, and the check repeats on what remains (so the result is the total to drop).
   *
   * @param values observations, oldest first
   * @param from first index of the window
   * @param to one past the last index
   * @param delta confidence parameter in (0, 1)
   * @param minSide fewest values each side of a split may have (>= 1)
   */
  public static int cut(double[] values, int from, int to, double delta, int minSide) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (minSide < 1) {
      throw new IllegalArgumentException("minSide must be >= 1, got " + minSide);
    }
    int dropped = 0;
    while (true) {
      int start = from + dropped;
      int split = bestSplit(values, start, to, delta, minSide);
      if (split < 0) {
        return dropped;
      }
      dropped = split - from;
    }
  }

  /** Returns the index where the newer part of the most significant split starts, or -1. */
  private static int bestSplit(double[] values, int from, int to, double delta, int minSide) {
    int n = to - from;
    if (n < 2 * minSide || n < 3) {
      return -1;
    }
    double total = 0;
    double totalSquares = 0;
    for (int i = from; i < to; i++) {
      total += values[i];
      totalSquares += values[i] * values[i];
    }
    double mean = total / n;
    double variance = Math.max(0, totalSquares / n - mean * mean);
    double logTerm = Math.log(2 * Math.log(n) / delta);
    int best = -1;
    double bestExcess = 1;
    double older = 0;
    for (int k = 1; k < n; k++) {
      older += values[from + k - 1];
      int n0 = k;
      int n1 = n - k;
      if (n0 < minSide || n1 < minSide) {
        continue;
      }
      double epsilon = epsilon(n0, n1, variance, logTerm);
      double difference = Math.abs(older / n0 - (total - older) / n1);
      if (difference > epsilon && difference / epsilon > bestExcess) {
        bestExcess = difference / epsilon;
        best = from + k;
      }
    }
    return best;
  }

  /** Returns the bound ε for a split of {@code n0} older and {@code n1} newer values (see the class doc). */
  public static double bound(int n0, int n1, double variance, double delta) {
    return epsilon(n0, n1, variance, Math.log(2 * Math.log(n0 + n1) / delta));
  }

  private static double epsilon(int n0, int n1, double variance, double logTerm) {
    double m = 1.0 / (1.0 / n0 + 1.0 / n1);
    return Math.sqrt(2.0 / m * variance * logTerm) + 2.0 / (3.0 * m) * logTerm;
  }
}
