package io.driftline.core.sampling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Uncertainty-guided sampling: per window of frames, chooses the frames most worth uploading.
 *
 * <p>Candidates are ranked by the policy's combined score (highest first, ties by lower frame index,
 * then by position in the window) and taken greedily. Each candidate is checked in this order and
 * rejected for the first reason that applies: its score is below {@code minScore}; it is a
 * near-duplicate of a frame already chosen in this window (Hamming similarity at least
 * {@code duplicateSimilarity}); the window's frame quota {@code floor(maxFrameFraction * size)} is
 * used up; its byte size exceeds the byte budget left. A frame too large for the remaining bytes does
 * not stop the scan, so a smaller, lower-ranked frame may still use the budget.
 *
 * <p>The byte budget is a token bucket over time: a window of duration {@code t} adds
 * {@code maxBytesPerSecond * t} bytes to what the previous windows left unused, and after the window
 * at most {@code maxBytesPerSecond * maxCarryOverSeconds} bytes are carried on. So over any run of
 * windows the bytes chosen never exceed the rate times the elapsed time plus one carry-over cap.
 *
 * <p>The sampler holds the bucket, so use one per device stream; it is not thread-safe.
 */
public final class UncertaintyGuidedSampler {

  private final SamplingPolicy policy;
  private double carriedOver;

  /** Creates a sampler with an empty byte bucket. */
  public UncertaintyGuidedSampler(SamplingPolicy policy) {
    this.policy = policy;
  }

  /**
   * Chooses frames from one window and updates the byte bucket.
   *
   * @param window the window's frames, in any order
   * @param windowDuration the time the window covers; it earns byte budget at the policy's rate
   * @throws IllegalArgumentException if the duration is negative
   */
  public Selection select(List<Candidate> window, Duration windowDuration) {
    if (windowDuration.isNegative()) {
      throw new IllegalArgumentException("windowDuration must not be negative, got " + windowDuration);
    }
    double seconds = windowDuration.toNanos() / 1e9;
    double rate = policy.maxBytesPerSecond();
    double available = Double.isInfinite(rate) ? Double.POSITIVE_INFINITY : carriedOver + rate * seconds;

    int n = window.size();
    double[] scores = new double[n];
    List<Integer> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      scores[i] = policy.score(window.get(i));
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -scores[i])
        .thenComparingLong(i -> window.get(i).frameIndex())
        .thenComparingInt(i -> i));

    int maxFrames = policy.maxFrames(n);
    List<Candidate> chosen = new ArrayList<>();
    int belowMinScore = 0;
    int duplicate = 0;
    int frameBudget = 0;
    int byteBudget = 0;
    long bytesChosen = 0;
    double remaining = available;
    for (int i : order) {
      Candidate candidate = window.get(i);
      if (scores[i] < policy.minScore()) {
        belowMinScore++;
      } else if (isNearDuplicate(candidate, chosen)) {
        duplicate++;
      } else if (chosen.size() >= maxFrames) {
        frameBudget++;
      } else if (candidate.byteSize() > remaining) {
        byteBudget++;
      } else {
        chosen.add(candidate);
        bytesChosen += candidate.byteSize();
        remaining -= candidate.byteSize();
      }
    }
    carriedOver = Double.isInfinite(rate) ? 0 : Math.min(remaining, rate * policy.maxCarryOverSeconds());
    return new Selection(chosen, belowMinScore, duplicate, frameBudget, byteBudget, bytesChosen, carriedOver);
  }

  /** Unused byte budget that the next window starts with. */
  public double carriedOverBytes() {
    return carriedOver;
  }

  /** Empties the byte bucket, e.g. after the device was offline and its backlog was dropped. */
  public void reset() {
    carriedOver = 0;
  }

  /** The policy this sampler applies. */
  public SamplingPolicy policy() {
    return policy;
  }

  private boolean isNearDuplicate(Candidate candidate, List<Candidate> chosen) {
    for (Candidate kept : chosen) {
      if (kept.hypervector().hammingSimilarity(candidate.hypervector()) >= policy.duplicateSimilarity()) {
        return true;
      }
    }
    return false;
  }
}
