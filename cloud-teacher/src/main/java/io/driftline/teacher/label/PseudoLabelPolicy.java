package io.driftline.teacher.label;

/**
 * How teacher outputs become training targets.
 *
 * @param mode keep every frame, drop the unconfident ones, or weight frames by confidence
 * @param temperature softmax temperature of the soft labels (above 1 softens them)
 * @param minConfidence frames whose confidence is below this are dropped ({@link Mode#FILTER})
 * @param weightExponent weight = confidence ^ exponent ({@link Mode#WEIGHT})
 */
public record PseudoLabelPolicy(Mode mode, double temperature, double minConfidence, double weightExponent) {

  /** What is done with the confidence. */
  public enum Mode {
    /** Every frame is kept with weight 1. */
    ALL,
    /** Frames below {@code minConfidence} are dropped; the others have weight 1. */
    FILTER,
    /** Every frame is kept with weight {@code confidence ^ weightExponent}. */
    WEIGHT
  }

  /** Checks the ranges. */
  public PseudoLabelPolicy {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
    }
    if (!(minConfidence >= 0 && minConfidence <= 1)) {
      throw new IllegalArgumentException("minConfidence must be in [0,1], got " + minConfidence);
    }
    if (!(weightExponent >= 0) || !Double.isFinite(weightExponent)) {
      throw new IllegalArgumentException("weightExponent must be finite and >= 0, got " + weightExponent);
    }
  }

  /** Keeps every frame with weight 1, at temperature 1. */
  public static PseudoLabelPolicy all() {
    return new PseudoLabelPolicy(Mode.ALL, 1, 0, 0);
  }

  /** Drops frames whose confidence is below {@code minConfidence}, at temperature 1. */
  public static PseudoLabelPolicy filter(double minConfidence) {
    return new PseudoLabelPolicy(Mode.FILTER, 1, minConfidence, 0);
  }

  /** Weights frames by {@code confidence ^ exponent}, at temperature 1. */
  public static PseudoLabelPolicy weight(double exponent) {
    return new PseudoLabelPolicy(Mode.WEIGHT, 1, 0, exponent);
  }

  /** Returns this policy with another softmax temperature. */
  public PseudoLabelPolicy withTemperature(double temperature) {
    return new PseudoLabelPolicy(mode, temperature, minConfidence, weightExponent);
  }
}
