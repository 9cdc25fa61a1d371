package io.driftline.core.uncertainty;

/**
 * An uncertainty measure read as a percentile of one model's clean-data scores: a reading in
 * {@code [0,1]} for every measure, energy included, whose thresholds carry across models.
 *
 * @param measure the raw measure
 * @param calibrator the percentile map fitted on the same model's scores of clean data
 */
public record CalibratedUncertainty(UncertaintyMeasure measure, PercentileCalibrator calibrator) {

  /**
   * Fits the calibration of {@code measure} on a model's logits for clean reference data.
   *
   * @throws IllegalArgumentException if there are no logits or one of them is empty or not finite
   */
  public static CalibratedUncertainty fit(UncertaintyMeasure measure, Iterable<float[]> cleanLogits) {
    return new CalibratedUncertainty(measure, PercentileCalibrator.fit(measure, cleanLogits));
  }

  /**
   * Returns the fraction of clean reference samples at least as certain as {@code logits}, in
   * {@code [0,1]}.
   *
   * @throws IllegalArgumentException if {@code logits} is empty or not finite
   */
  public double uncertainty(float[] logits) {
    return calibrator.percentile(measure.score(logits));
  }
}
