package io.driftline.core.uncertainty;

/**
 * The uncertainty measures a device can compute from logits. Each gives a raw {@link #score} where
 * higher means less certain; the bounded ones also give a class-count-independent reading in
 * {@code [0,1]} ({@link #unitUncertainty}) whose thresholds carry across models as they are.
 */
public enum UncertaintyMeasure {
  /** Softmax entropy; score in nats, unit reading = entropy / ln K. */
  ENTROPY(true),
  /** Top-1 minus top-2 probability; score and unit reading = 1 - margin. */
  MARGIN(true),
  /** Free energy at temperature 1; unbounded, its scale follows the model's logits. */
  ENERGY(false);

  private final boolean bounded;

  UncertaintyMeasure(boolean bounded) {
    this.bounded = bounded;
  }

  /**
   * Returns the raw score of {@code logits}, higher meaning less certain: entropy in nats,
   * {@code 1 - margin}, or the free energy.
   *
   * @throws IllegalArgumentException if {@code logits} is empty or not finite
   */
  public double score(float[] logits) {
    return switch (this) {
      case ENTROPY -> Logits.entropy(logits);
      case MARGIN -> 1.0 - Logits.margin(logits);
      case ENERGY -> Logits.energy(logits);
    };
  }

  /** Whether {@link #unitUncertainty} is defined, that is the measure is bounded by construction. */
  public boolean hasUnitReading() {
    return bounded;
  }

  /**
   * Returns the uncertainty in {@code [0,1]} (normalised entropy, or {@code 1 - margin}) which does
   * not depend on the class count or the logit scale's origin.
   *
   * @throws IllegalStateException for {@link #ENERGY}, which has no model-independent bound: use a
   *     {@link CalibratedUncertainty} fitted on the model's clean data instead
   * @throws IllegalArgumentException if {@code logits} is empty or not finite
   */
  public double unitUncertainty(float[] logits) {
    return switch (this) {
      case ENTROPY -> Logits.normalizedEntropy(logits);
      case MARGIN -> 1.0 - Logits.margin(logits);
      case ENERGY -> throw new IllegalStateException(
          "ENERGY has no reading in [0,1] without calibration; fit a CalibratedUncertainty on the"
              + " model's clean-data logits and use its percentile instead");
    };
  }
}
