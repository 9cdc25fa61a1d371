package io.driftline.drift.detect;

/**
 * Two-sided Page-Hinkley test: detects a rise or a fall of the mean of a sequence.
 *
 * <p>With {@code x̄_t} the running mean of the observations since the last reset, it keeps the
 * cumulative deviations {@code up_t = up_{t-1} + (x_t - x̄_t - δ)} and
 * {@code down_t = down_{t-1} + (x_t - x̄_t + δ)} and signals when {@code up_t - min up > λ} (a rise)
 * or {@code max down - down_t > λ} (a fall). {@code δ} is the size of a change that is tolerated and
 * {@code λ} the alarm threshold: a larger {@code λ} means fewer false alarms and a longer delay. The
 * index where the extremum was last reached estimates where the change began.
 *
 * <p>The object is mutable and not thread-safe; {@link #restore} and the getters let a caller keep it
 * in a state store.
 */
public final class PageHinkley {

  private final double delta;
  private final double lambda;

  private long count;
  private double mean;
  private double up;
  private double minUp;
  private long minUpAt;
  private double down;
  private double maxDown;
  private long maxDownAt;

  /**
   * Creates a test in its reset state.
   *
   * @param delta tolerated change of the mean (>= 0)
   * @param lambda alarm threshold (> 0)
   */
  public PageHinkley(double delta, double lambda) {
    if (!(delta >= 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException("delta must be finite and >= 0, got " + delta);
    }
    if (!(lambda > 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and > 0, got " + lambda);
    }
    this.delta = delta;
    this.lambda = lambda;
  }

  /**
   * Adds observation {@code x} at position {@code index} (any increasing number, such as a window
   * sequence number) and tells whether the test signals a change.
   */
  public boolean update(double x, long index) {
    count++;
    mean += (x - mean) / count;
    up += x - mean - delta;
    down += x - mean + delta;
    if (count == 1 || up <= minUp) {
      minUp = up;
      minUpAt = index;
    }
    if (count == 1 || down >= maxDown) {
      maxDown = down;
      maxDownAt = index;
    }
    return statistic() > lambda;
  }

  /** Returns the larger of the rise and fall statistics, {@code max(up - min up, max down - down)}. */
  public double statistic() {
    return Math.max(up - minUp, maxDown - down);
  }

  /** Tells whether the current alarm (or the larger statistic) is a rise of the mean. */
  public boolean rising() {
    return up - minUp >= maxDown - down;
  }

  /**
   * Returns the index of the first observation after the cumulative extremum of the larger side:
   * the estimated start of the change (the index passed with the observation after it, or the
   * extremum's own index plus one when the indexes are consecutive).
   */
  public long changeStart() {
    return (rising() ? minUpAt : maxDownAt) + 1;
  }

  /** Forgets every observation. */
  public void reset() {
    count = 0;
    mean = 0;
    up = 0;
    minUp = 0;
    minUpAt = 0;
    down = 0;
    maxDown = 0;
    maxDownAt = 0;
  }

  /** Sets the whole state, as read back from a store (see the getters). */
  public void restore(long count, double mean, double up, double minUp, long minUpAt,
      double down, double maxDown, long maxDownAt) {
    this.count = count;
    this.mean = mean;
    this.up = up;
    this.minUp = minUp;
    this.minUpAt = minUpAt;
    this.down = down;
    this.maxDown = maxDown;
    this.maxDownAt = maxDownAt;
  }

  /** Observations since the last reset. */
  public long count() {
    return count;
  }

  /** Running mean of the observations since the last reset. */
  public double mean() {
    return mean;
  }

  /** Cumulative deviation of the rise side. */
  public double up() {
    return up;
  }

  /** Minimum of the rise side so far. */
  public double minUp() {
    return minUp;
  }

  /** Index at which the rise side reached its minimum. */
  public long minUpAt() {
    return minUpAt;
  }

  /** Cumulative deviation of the fall side. */
  public double down() {
    return down;
  }

  /** Maximum of the fall side so far. */
  public double maxDown() {
    return maxDown;
  }

  /** Index at which the fall side reached its maximum. */
  public long maxDownAt() {
    return maxDownAt;
  }
}
