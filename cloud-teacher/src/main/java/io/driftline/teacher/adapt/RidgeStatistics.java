package io.driftline.teacher.adapt;

/**
 * Incremental sufficient statistics of a ridge regression from random features to class targets:
 * the Gram matrix {@code G = Σ w·h̃h̃ᵀ} and the class-feature sums {@code C = Σ w·h̃yᵀ}, where
 * {@code h̃ = [h, 1]} carries a constant for the bias.
 *
 * <p>Both are plain sums, so samples can be added in any order and in any number of calls, and two
 * statistics merge by addition: adding a new domain only adds terms, and the solution still fits
 * every sample seen before (RanPAC's "no forgetting"). Not thread-safe.
 */
public final class RidgeStatistics {

  private final int features;
  private final int classes;
  private final double[][] gram;
  private final double[][] classSums;
  private double totalWeight;
  private long samples;

  /** Creates empty statistics for {@code features} random features and {@code classes} classes. */
  public RidgeStatistics(int features, int classes) {
    if (features <= 0 || classes <= 1) {
      throw new IllegalArgumentException(
          "ridge statistics need >= 1 feature and >= 2 classes, got " + features + ", " + classes);
    }
    this.features = features;
    this.classes = classes;
    this.gram = new double[features + 1][features + 1];
    this.classSums = new double[features + 1][classes];
  }

  /**
   * Adds one sample.
   *
   * @param h random features (length {@code features})
   * @param target class target: one-hot or the teacher's soft label (length {@code classes})
   * @param weight sample weight, finite and {@code >= 0}
   */
  public void add(double[] h, float[] target, double weight) {
    if (h.length != features || target.length != classes) {
      throw new IllegalArgumentException(
          "sample has " + h.length + " features and " + target.length + " targets, expected "
              + features + " and " + classes);
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("sample weight must be finite and >= 0, got " + weight);
    }
    if (weight == 0) {
      return;
    }
    int n = features + 1;
    for (int i = 0; i < n; i++) {
      double hi = (i < features ? h[i] : 1.0) * weight;
      if (hi == 0) {
        continue;
      }
      double[] g = gram[i];
      for (int j = 0; j < features; j++) {
        g[j] += hi * h[j];
      }
      g[features] += hi;
      double[] c = classSums[i];
      for (int k = 0; k < classes; k++) {
        c[k] += hi * target[k];
      }
    }
    totalWeight += weight;
    samples++;
  }

  /** Adds all terms of {@code other} (same sizes) to these statistics. */
  public void merge(RidgeStatistics other) {
    if (other.features != features || other.classes != classes) {
      throw new IllegalArgumentException("cannot merge ridge statistics of different sizes");
    }
    for (int i = 0; i <= features; i++) {
      for (int j = 0; j <= features; j++) {
        gram[i][j] += other.gram[i][j];
      }
      for (int k = 0; k < classes; k++) {
        classSums[i][k] += other.classSums[i][k];
      }
    }
    totalWeight += other.totalWeight;
    samples += other.samples;
  }

  /**
   * Solves {@code (G + λ·n·I)·W = C} by Cholesky decomposition, where {@code n} is the total sample
   * weight (so λ does not depend on the amount of data).
   *
   * @return weights {@code [features + 1][classes]}; the last row is the bias
   * @throws IllegalStateException if no sample was added
   */
  public double[][] solve(double lambda) {
    return solve(cholesky(lambda));
  }

  /** Solves with a factor from {@link #cholesky}, so a caller that needs both factors only once. */
  double[][] solve(double[][] l) {
    int n = features + 1;
    double[][] w = new double[n][classes];
    double[] column = new double[n];
    for (int k = 0; k < classes; k++) {
      for (int i = 0; i < n; i++) {
        column[i] = classSums[i][k];
      }
      forwardSubstitute(l, column);
      backSubstitute(l, column);
      for (int i = 0; i < n; i++) {
        w[i][k] = column[i];
      }
    }
    return w;
  }

  /**
   * Lower Cholesky factor {@code L} of {@code G + λ·n·I} ({@code n} the total sample weight), the
   * matrix {@link #solve} inverts; the closed-form leave-one-out score reads leverages from it.
   */
  double[][] cholesky(double lambda) {
    if (samples == 0) {
      throw new IllegalStateException("no samples: cannot solve an empty ridge regression");
    }
    if (!(lambda > 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("ridge lambda must be finite and > 0, got " + lambda);
    }
    int n = features + 1;
    double ridge = lambda * totalWeight;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = gram[i][j] + (i == j ? ridge : 0);
        double[] li = l[i];
        double[] lj = l[j];
        for (int k = 0; k < j; k++) {
          s -= li[k] * lj[k];
        }
        if (i == j) {
          li[i] = Math.sqrt(Math.max(s, 1e-300));
        } else {
          li[j] = s / lj[j];
        }
      }
    }
    return l;
  }

  /** Overwrites {@code v} with {@code L⁻¹·v} for a lower-triangular {@code L}. */
  static void forwardSubstitute(double[][] l, double[] v) {
    for (int i = 0; i < v.length; i++) {
      double s = v[i];
      double[] li = l[i];
      for (int j = 0; j < i; j++) {
        s -= li[j] * v[j];
      }
      v[i] = s / li[i];
    }
  }

  /** Overwrites {@code v} with {@code L⁻ᵀ·v} for a lower-triangular {@code L}. */
  static void backSubstitute(double[][] l, double[] v) {
    for (int i = v.length - 1; i >= 0; i--) {
      double s = v[i];
      for (int j = i + 1; j < v.length; j++) {
        s -= l[j][i] * v[j];
      }
      v[i] = s / l[i][i];
    }
  }

  /**
   * Refits one 1-bit output row: with the signs {@code s} fixed, finds the scale α and bias β that
   * minimise {@code Σ w·(α·s·h + β − y_k)² + ridge·α²} from the stored statistics (a 2×2 system).
   *
   * @return {@code {α, β}}
   */
  double[] refitBinaryRow(double[] signs, int k, double lambda) {
    double ss = 0;
    double s1 = 0;
    double sy = 0;
    for (int i = 0; i < features; i++) {
      double gs = 0;
      for (int j = 0; j < features; j++) {
        gs += gram[i][j] * signs[j];
      }
      ss += signs[i] * gs;
      s1 += signs[i] * gram[i][features];
      sy += signs[i] * classSums[i][k];
    }
    double n1 = gram[features][features];
    double y1 = classSums[features][k];
    double a11 = ss + lambda * totalWeight;
    double a22 = n1 + 1e-12;
    double det = a11 * a22 - s1 * s1;
    return new double[] {(sy * a22 - s1 * y1) / det, (a11 * y1 - s1 * sy) / det};
  }

  /**
   * Fits one 1-bit output row {@code α·s·h + β} to class k: starting from {@code signs}, alternates
   * the closed-form (α, β) of {@link #refitBinaryRow} with coordinate-descent sweeps that flip a
   * sign whenever that lowers the weighted squared error (computed from G and C, O(M²) a sweep).
   *
   * @param signs initial signs (±1), updated in place
   * @return {@code {α, β}} for the final signs
   */
  double[] fitBinaryRow(double[] signs, int k, double lambda, int rounds) {
    double[] fit = refitBinaryRow(signs, k, lambda);
    for (int round = 0; round < rounds; round++) {
      double alpha = fit[0];
      double beta = fit[1];
      double[] q = new double[features];
      for (int i = 0; i < features; i++) {
        double v = 0;
        for (int j = 0; j < features; j++) {
          v += gram[i][j] * signs[j];
        }
        q[i] = v;
      }
      int flips = 0;
      for (int i = 0; i < features; i++) {
        double li = 2 * alpha * beta * gram[i][features] - 2 * alpha * classSums[i][k];
        double si = signs[i];
        double delta = alpha * alpha * (-4 * si * q[i] + 4 * gram[i][i]) - 2 * si * li;
        if (delta < -1e-12) {
          for (int j = 0; j < features; j++) {
            q[j] -= 2 * si * gram[j][i];
          }
          signs[i] = -si;
          flips++;
        }
      }
      fit = refitBinaryRow(signs, k, lambda);
      if (flips == 0) {
        break;
      }
    }
    return fit;
  }

  /** Number of random features. */
  public int features() {
    return features;
  }

  /** Number of classes. */
  public int classes() {
    return classes;
  }

  /** Number of samples added with a positive weight. */
  public long samples() {
    return samples;
  }

  /** Sum of the sample weights. */
  public double totalWeight() {
    return totalWeight;
  }
}
