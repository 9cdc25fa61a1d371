package io.driftline.teacher.adapt;

/**
 * The VPLU objective on plain arrays: {@code Σ wᵢ·KL(tᵢ ‖ softmax(zᵢ)) / Σ wᵢ}, and the
 * uncertainty weights {@code wᵢ = H(softmax(zᵢ))/log K + 1e-6} of the unprompted student (the same
 * definition {@link PromptLearner} uses inside its graph).
 */
public final class PromptLoss {

  /** Added to every uncertainty weight so a fully confident batch still has a defined loss. */
  static final double WEIGHT_FLOOR = 1e-6;

  private PromptLoss() {}

  /** Weighted mean KL of teacher probabilities against the softmax of student logits. */
  public static double weightedKl(float[][] teacher, float[][] logits, double[] weights) {
    if (teacher.length != logits.length || teacher.length != weights.length) {
      throw new IllegalArgumentException(teacher.length + " teacher labels, " + logits.length
          + " logit rows and " + weights.length + " weights: counts must match");
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < teacher.length; i++) {
      double[] logq = logSoftmax(logits[i]);
      double kl = 0;
      for (int k = 0; k < logq.length; k++) {
        double p = teacher[i][k];
        kl += p > 0 ? p * (Math.log(p) - logq[k]) : 0;
      }
      num += weights[i] * kl;
      den += weights[i];
    }
    return num / (den + 1e-12);
  }

  /** Normalised predictive entropy of each row's softmax, plus {@link #WEIGHT_FLOOR}. */
  public static double[] uncertaintyWeights(float[][] logits) {
    double[] w = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      double[] logq = logSoftmax(logits[i]);
      double h = 0;
      for (double lq : logq) {
        h -= Math.exp(lq) * lq;
      }
      w[i] = h / Math.log(logq.length) + WEIGHT_FLOOR;
    }
    return w;
  }

  static double[] ones(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1);
    return w;
  }

  private static double[] logSoftmax(float[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : z) {
      sum += Math.exp(v - max);
    }
    double log = max + Math.log(sum);
    double[] out = new double[z.length];
    for (int k = 0; k < z.length; k++) {
      out[k] = z[k] - log;
    }
    return out;
  }
}
