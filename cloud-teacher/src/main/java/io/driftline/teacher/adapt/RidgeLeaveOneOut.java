package io.driftline.teacher.adapt;

/**
 * Closed-form leave-one-out (PRESS) of a weighted ridge regression, computed from the Cholesky factor
 * of {@code A = G + λ·n·I} without refitting.
 *
 * <p>With {@code x̃ = [h, 1]}, the fitted prediction {@code ŷᵢ = Wᵀx̃ᵢ} and the leverage
 * {@code hᵢᵢ = wᵢ·x̃ᵢᵀA⁻¹x̃ᵢ = wᵢ·‖L⁻¹x̃ᵢ‖²}, the Sherman–Morrison formula gives the prediction of
 * the ridge refitted without sample i as {@code (ŷᵢ − hᵢᵢ·yᵢ) / (1 − hᵢᵢ)}. The penalty {@code λ·n}
 * is held at its full-data value (it is an absolute penalty during the leave-one-out), which is
 * what the brute-force check in the tests refits. Cost: one factorisation and {@code O(n·M²)}.
 */
final class RidgeLeaveOneOut {

  private RidgeLeaveOneOut() {}

  /**
   * Leave-one-out figures.
   *
   * @param errorRate weighted fraction of samples whose left-out prediction's argmax differs from
   *     their target's argmax
   * @param press weighted mean squared left-out residual {@code Σ wᵢ‖yᵢ − ŷ₋ᵢ‖² / Σ wᵢ}
   * @param predictions left-out predictions {@code [n][K]} (zero rows for weight-0 samples)
   * @param solution the full-data ridge solution {@code [M + 1][K]} (see {@link RidgeStatistics#solve})
   */
  record Result(double errorRate, double press, double[][] predictions, double[][] solution) {}

  /**
   * Computes the leave-one-out predictions of the ridge solved from {@code stats}.
   *
   * @param stats statistics of exactly the given samples
   * @param h the samples' ridge inputs (before the bias constant)
   */
  static Result compute(
      RidgeStatistics stats, double lambda, double[][] h, float[][] targets, double[] weights) {
    double[][] l = stats.cholesky(lambda);
    double[][] solution = stats.solve(l);
    int m = stats.features();
    int classes = stats.classes();
    double[][] predictions = new double[h.length][classes];
    double[] x = new double[m + 1];
    double wrong = 0;
    double press = 0;
    double total = 0;
    for (int i = 0; i < h.length; i++) {
      double w = weights[i];
      if (w == 0) {
        continue;
      }
      System.arraycopy(h[i], 0, x, 0, m);
      x[m] = 1;
      double[] fitted = new double[classes];
      for (int j = 0; j <= m; j++) {
        double xj = x[j];
        if (xj != 0) {
          double[] row = solution[j];
          for (int k = 0; k < classes; k++) {
            fitted[k] += xj * row[k];
          }
        }
      }
      RidgeStatistics.forwardSubstitute(l, x);
      double q = 0;
      for (double v : x) {
        q += v * v;
      }
      double leverage = w * q;
      double[] out = predictions[i];
      double residual = 0;
      for (int k = 0; k < classes; k++) {
        out[k] = (fitted[k] - leverage * targets[i][k]) / (1 - leverage);
        double r = targets[i][k] - out[k];
        residual += r * r;
      }
      if (RidgeHead.argmax(out) != RidgeHead.argmax(targets[i])) {
        wrong += w;
      }
      press += w * residual;
      total += w;
    }
    return new Result(wrong / total, press / total, predictions, solution);
  }
}
