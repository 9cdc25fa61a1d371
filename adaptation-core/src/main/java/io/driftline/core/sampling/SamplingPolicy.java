package io.driftline.core.sampling;

/**
 * The rules of {@link UncertaintyGuidedSampler}: how frames are scored and how much may be uploaded.
 * A frame's score is {@code uncertainty^uncertaintyExponent * oodScore^oodExponent} (with
 * {@code 0^0 = 1}, so an exponent of 0 ignores that signal).
 *
 * @param maxFrameFraction at most {@code floor(maxFrameFraction * windowSize)} frames are chosen per
 *     window; in (0,1]
 * @param maxBytesPerSecond the long-run upload rate; positive, {@code +Infinity} for unlimited
 * @param maxCarryOverSeconds unused byte budget carried to the next window is capped at this many
 *     seconds' worth of {@code maxBytesPerSecond}; at least 0
 * @param duplicateSimilarity a candidate whose Hamming similarity to an already chosen frame of the
 *     window is at least this is a near-duplicate and skipped; in (0.5,1], 1 skips only identical codes
 * @param minScore candidates scoring below this are never chosen; in [0,1]
 * @param uncertaintyExponent weight {@code a} of the uncertainty; at least 0
 * @param oodExponent weight {@code b} of the OOD score; at least 0
 */
public record SamplingPolicy(
    double maxFrameFraction,
    double maxBytesPerSecond,
    double maxCarryOverSeconds,
    double duplicateSimilarity,
    double minScore,
    double uncertaintyExponent,
    double oodExponent) {

  /** Default frame fraction: 5 % keeps uploads rare while drift gives the teacher enough samples. */
  public static final double DEFAULT_MAX_FRAME_FRACTION = 0.05;
  /** Default rate: 32 KiB/s, about forty 28x28 grey frames a second with headers. */
  public static final double DEFAULT_MAX_BYTES_PER_SECOND = 32 * 1024;
  /** Default carry-over cap: 10 s of budget absorbs a short burst without letting idle hours pile up. */
  public static final double DEFAULT_MAX_CARRY_OVER_SECONDS = 10;
  /** Default near-duplicate threshold: unrelated codes sit at 0.5, re-views of one scene above 0.9. */
  public static final double DEFAULT_DUPLICATE_SIMILARITY = 0.9;
  /** Default minimum score: frames the model is sure about and that look familiar teach nothing. */
  public static final double DEFAULT_MIN_SCORE = 0.1;

  /** Checks every field, naming the one that is out of range. */
  public SamplingPolicy {
    require("maxFrameFraction", maxFrameFraction, maxFrameFraction > 0 && maxFrameFraction <= 1, "in (0, 1]");
    require("maxBytesPerSecond", maxBytesPerSecond, maxBytesPerSecond > 0,
        "positive (use Infinity for no byte limit)");
    require("maxCarryOverSeconds", maxCarryOverSeconds,
        maxCarryOverSeconds >= 0 && Double.isFinite(maxCarryOverSeconds), "finite and at least 0");
    require("duplicateSimilarity", duplicateSimilarity,
        duplicateSimilarity > 0.5 && duplicateSimilarity <= 1, "in (0.5, 1]");
    require("minScore", minScore, minScore >= 0 && minScore <= 1, "in [0, 1]");
    require("uncertaintyExponent", uncertaintyExponent,
        uncertaintyExponent >= 0 && Double.isFinite(uncertaintyExponent), "finite and at least 0");
    require("oodExponent", oodExponent, oodExponent >= 0 && Double.isFinite(oodExponent),
        "finite and at least 0");
  }

  /** Returns the policy with every default. */
  public static SamplingPolicy defaults() {
    return builder().build();
  }

  /** Starts a builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the combined score {@code u^a * o^b} of a candidate, in [0,1]. */
  public double score(Candidate candidate) {
    return score(candidate.uncertainty(), candidate.oodScore());
  }

  /** Returns the combined score {@code u^a * o^b} of an uncertainty and an OOD score in [0,1]. */
  public double score(double uncertainty, double oodScore) {
    return Math.pow(uncertainty, uncertaintyExponent) * Math.pow(oodScore, oodExponent);
  }

  /** Most frames a window of {@code windowSize} frames may contribute. */
  public int maxFrames(int windowSize) {
    // In binary floating point 0.29 * 100 is 28.999999999999996; the epsilon keeps that at 29.
    return (int) Math.floor(maxFrameFraction * windowSize + 1e-9);
  }

  private static void require(String field, double value, boolean ok, String range) {
    if (!ok) {
      throw new IllegalArgumentException(
          "sampling policy field " + field + " must be " + range + ", got " + value);
    }
  }

  /** Builds a {@link SamplingPolicy}; every field is optional and starts at its default. */
  public static final class Builder {
    private double maxFrameFraction = DEFAULT_MAX_FRAME_FRACTION;
    private double maxBytesPerSecond = DEFAULT_MAX_BYTES_PER_SECOND;
    private double maxCarryOverSeconds = DEFAULT_MAX_CARRY_OVER_SECONDS;
    private double duplicateSimilarity = DEFAULT_DUPLICATE_SIMILARITY;
    private double minScore = DEFAULT_MIN_SCORE;
    private double uncertaintyExponent = 1;
    private double oodExponent = 1;

    private Builder() {}

    /** Sets the most a window may contribute, as a fraction of its frames. */
    public Builder optMaxFrameFraction(double value) {
      this.maxFrameFraction = value;
      return this;
    }

    /** Sets the upload rate in bytes per second. */
    public Builder optMaxBytesPerSecond(double value) {
      this.maxBytesPerSecond = value;
      return this;
    }

    /** Sets the cap on carried-over budget, in seconds of the rate. */
    public Builder optMaxCarryOverSeconds(double value) {
      this.maxCarryOverSeconds = value;
      return this;
    }

    /** Sets the Hamming similarity from which a candidate counts as a near-duplicate. */
    public Builder optDuplicateSimilarity(double value) {
      this.duplicateSimilarity = value;
      return this;
    }

    /** Sets the lowest score a chosen frame may have. */
    public Builder optMinScore(double value) {
      this.minScore = value;
      return this;
    }

    /** Sets the exponent of the uncertainty in the score. */
    public Builder optUncertaintyExponent(double value) {
      this.uncertaintyExponent = value;
      return this;
    }

    /** Sets the exponent of the OOD score in the score. */
    public Builder optOodExponent(double value) {
      this.oodExponent = value;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public SamplingPolicy build() {
      return new SamplingPolicy(maxFrameFraction, maxBytesPerSecond, maxCarryOverSeconds,
          duplicateSimilarity, minScore, uncertaintyExponent, oodExponent);
    }
  }
}
