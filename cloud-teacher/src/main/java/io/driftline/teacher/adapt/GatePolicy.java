package io.driftline.teacher.adapt;

/**
 * When an adapted bundle may ship.
 *
 * @param minGainPoints least accuracy gain on held-out target-domain samples, in percentage points
 *     (adapted minus unadapted against the teacher's pseudo-labels), {@code >= 0}
 * @param maxSourceRegressionPoints largest accuracy loss tolerated on source-domain samples, in
 *     percentage points, in {@code [0, 1]}: a bundle never ships if it is more than 1 point worse
 *     on the source domain
 * @param minTargetSamples fewest held-out target-domain samples the gain may rest on, {@code >= 1}:
 *     with fewer, a gain is noise (on 7 samples one frame is 14 points) and the bundle does not ship
 */
public record GatePolicy(double minGainPoints, double maxSourceRegressionPoints, int minTargetSamples) {

  /** Hard ceiling of the source regression a policy may tolerate, in points. */
  public static final double SOURCE_REGRESSION_CEILING = 1.0;

  /** A policy that accepts a gain on any number of held-out samples (at least one). */
  public GatePolicy(double minGainPoints, double maxSourceRegressionPoints) {
    this(minGainPoints, maxSourceRegressionPoints, 1);
  }

  /** Checks the thresholds. */
  public GatePolicy {
    if (minTargetSamples < 1) {
      throw new IllegalArgumentException("gate minTargetSamples must be >= 1, got " + minTargetSamples);
    }
    if (!(minGainPoints >= 0) || Double.isInfinite(minGainPoints)) {
      throw new IllegalArgumentException(
          "gate minGainPoints must be finite and >= 0, got " + minGainPoints);
    }
    if (!(maxSourceRegressionPoints >= 0)
        || maxSourceRegressionPoints > SOURCE_REGRESSION_CEILING) {
      throw new IllegalArgumentException(
          "gate maxSourceRegressionPoints must be in [0, " + SOURCE_REGRESSION_CEILING + "], got "
              + maxSourceRegressionPoints);
    }
  }

  /** A policy with the given minimum gain and the 1-point source ceiling. */
  public static GatePolicy minGain(double points) {
    return new GatePolicy(points, SOURCE_REGRESSION_CEILING);
  }
}
