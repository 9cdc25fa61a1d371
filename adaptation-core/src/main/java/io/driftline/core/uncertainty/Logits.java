package io.driftline.core.uncertainty;

/**
 * Uncertainty readings of one prediction computed from its raw logits: softmax, entropy, margin and
 * energy. Everything is computed in {@code double} after subtracting the largest logit, so logits of
 * any finite magnitude neither overflow nor lose the small probabilities.
 */
public final class Logits {

  /** The temperature of {@link #energy(float[])}, as in the energy-based OOD score of Liu et al. */
  public static final double DEFAULT_TEMPERATURE = 1.0;

  private Logits() {}

  /**
   * Returns the softmax probabilities of {@code logits}; they are non-negative and sum to 1.
   *
   * @throws IllegalArgumentException if {@code logits} is empty or holds NaN or an infinity
   */
  public static double[] softmax(float[] logits) {
    double max = requireFiniteMax(logits);
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /**
   * Returns {@code log(sum_i exp(logits[i] / temperature))} without overflow.
   *
   * @throws IllegalArgumentException if the logits are empty or not finite, or the temperature is
   *     not a positive finite number
   */
  public static double logSumExp(float[] logits, double temperature) {
    requireTemperature(temperature);
    double max = requireFiniteMax(logits) / temperature;
    double sum = 0;
    for (float logit : logits) {
      sum += Math.exp(logit / temperature - max);
    }
    return max + Math.log(sum);
  }

  /**
   * Returns the Shannon entropy {@code -sum p log p} of the softmax in nats, in {@code [0, ln K]}.
   *
   * @throws IllegalArgumentException if {@code logits} is empty or not finite
   */
  public static double entropy(float[] logits) {
    double max = requireFiniteMax(logits);
    double sum = 0;
    for (float logit : logits) {
      sum += Math.exp(logit - max);
    }
    double logSum = Math.log(sum);
    double entropy = 0;
    for (float logit : logits) {
      // log p is taken from the shifted logits directly, so a probability that underflows to 0
      // contributes 0 * finite = 0 instead of 0 * -inf = NaN.
      double logP = (logit - max) - logSum;
      entropy -= Math.exp(logP) * logP;
    }
    return Math.max(0.0, entropy);
  }

  /**
   * Returns the entropy divided by {@code ln K}, in {@code [0,1]}: 1 for a uniform softmax and 0
   * for a certain one, whatever the class count. A single-class model is certain by definition (0).
   *
   * @throws IllegalArgumentException if {@code logits} is empty or not finite
   */
  public static double normalizedEntropy(float[] logits) {
    double entropy = entropy(logits);
    if (logits.length == 1) {
      return 0.0;
    }
    return Math.min(1.0, entropy / Math.log(logits.length));
  }

  /**
   * Returns the probability of the top class minus that of the runner-up, in {@code [0,1]}; a
   * single-class model has margin 1. As an uncertainty, use {@code 1 - margin}.
   *
   * @throws IllegalArgumentException if {@code logits} is empty or not finite
   */
  public static double margin(float[] logits) {
    double[] p = softmax(logits);
    double first = 0;
    double second = 0;
    for (double v : p) {
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) {
        second = v;
      }
    }
    return first - second;
  }

  /**
   * Returns the free energy {@code -logSumExp(logits)} at temperature 1; higher (less negative)
   * means less familiar. Its scale follows the model's logit scale, so compare it only after
   * {@link PercentileCalibrator calibration} against the same model's clean data.
   *
   * @throws IllegalArgumentException if {@code logits} is empty or not finite
   */
  public static double energy(float[] logits) {
    return energy(logits, DEFAULT_TEMPERATURE);
  }

  /**
   * Returns the free energy {@code -T * logSumExp(logits / T)} at temperature {@code T}.
   *
   * @throws IllegalArgumentException if the logits are empty or not finite, or the temperature is
   *     not a positive finite number
   */
  public static double energy(float[] logits, double temperature) {
    return -temperature * logSumExp(logits, temperature);
  }

  private static double requireFiniteMax(float[] logits) {
    if (logits.length == 0) {
      throw new IllegalArgumentException("logits are empty; a classifier must output at least one class");
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(
            "logits[" + i + "] is " + v + "; the model produced a non-finite output");
      }
      max = Math.max(max, v);
    }
    return max;
  }

  private static void requireTemperature(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature must be a positive finite number, got " + temperature);
    }
  }
}
