package io.driftline.core.events;

/**
 * Summary statistics of one score (e.g. the HDC OOD score) over the frames of a telemetry window.
 *
 * @param mean arithmetic mean
 * @param std standard deviation (>= 0)
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 */
public record ScoreSummary(double mean, double std, double p50, double p90, double p99) {

  /** Checks that all values are finite, {@code std >= 0} and the percentiles are ordered. */
  public ScoreSummary {
    Checks.finite(mean, "mean");
    Checks.finite(std, "std");
    Checks.finite(p50, "p50");
    Checks.finite(p90, "p90");
    Checks.finite(p99, "p99");
    if (std < 0) {
      throw new IllegalArgumentException("std must be >= 0, got " + std);
    }
    if (p50 > p90 || p90 > p99) {
      throw new IllegalArgumentException(
          "percentiles must satisfy p50 <= p90 <= p99, got " + p50 + ", " + p90 + ", " + p99);
    }
  }
}
