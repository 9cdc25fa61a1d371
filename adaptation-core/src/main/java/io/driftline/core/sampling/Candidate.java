package io.driftline.core.sampling;

import io.driftline.core.hdc.Hypervector;

/**
 * One frame offered to the sampler.
 *
 * @param frameIndex the frame's index in the device's stream; breaks score ties (lower first)
 * @param uncertainty the student's uncertainty in [0,1] (e.g. normalised entropy or a percentile)
 * @param oodScore the HDC out-of-distribution score in [0,1]
 * @param hypervector the frame's HDC code, used to skip near-duplicates
 * @param byteSize the bytes an upload of this frame costs
 */
public record Candidate(
    long frameIndex, double uncertainty, double oodScore, Hypervector hypervector, int byteSize) {

  /** Checks the scores are in [0,1] and the size is not negative. */
  public Candidate {
    if (!(uncertainty >= 0 && uncertainty <= 1)) {
      throw new IllegalArgumentException(
          "uncertainty of frame " + frameIndex + " must be in [0,1], got " + uncertainty);
    }
    if (!(oodScore >= 0 && oodScore <= 1)) {
      throw new IllegalArgumentException(
          "oodScore of frame " + frameIndex + " must be in [0,1], got " + oodScore);
    }
    if (byteSize < 0) {
      throw new IllegalArgumentException(
          "byteSize of frame " + frameIndex + " must not be negative, got " + byteSize);
    }
  }
}
