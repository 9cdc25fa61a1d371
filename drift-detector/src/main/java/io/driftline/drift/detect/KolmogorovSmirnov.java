package io.driftline.drift.detect;

import java.util.Arrays;

/**
 * The two-sample Kolmogorov-Smirnov test: are two samples drawn from the same distribution?
 *
 * <p>The statistic is {@code D = sup |F1(x) - F2(x)|} over the two empirical distribution functions.
 * The two-sided p-value {@code P(D >= d)} under the null hypothesis is exact (by counting the
 * lattice paths that stay inside the band, as in Hodges 1958) when {@code n·m <= 10,000}, which
 * covers the few dozen windows the drift detector compares, and otherwise uses the asymptotic
 * Kolmogorov distribution with Stephens' small-sample correction.
 */
public final class KolmogorovSmirnov {

  /** Largest {@code n·m} for which the exact p-value is computed. */
  public static final long EXACT_LIMIT = 10_000;

  private KolmogorovSmirnov() {}

  /** The result of one test. */
  public record Result(double statistic, double pValue) {}

  /** Runs the test on two non-empty samples (the arrays are not changed). */
  public static Result test(double[] first, double[] second) {
    double d = statistic(first, second);
    return new Result(d, pValue(d, first.length, second.length));
  }

  /** Returns {@code D = sup |F1 - F2|}; ties between the samples are handled as in the ECDF definition. */
  public static double statistic(double[] first, double[] second) {
    if (first.length == 0 || second.length == 0) {
      throw new IllegalArgumentException("both samples must be non-empty, got sizes "
          + first.length + " and " + second.length);
    }
    double[] a = first.clone();
    double[] b = second.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < a.length && j < b.length) {
      double x = Math.min(a[i], b[j]);
      while (i < a.length && a[i] == x) {
        i++;
      }
      while (j < b.length && b[j] == x) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
    }
    return d;
  }

  /** Returns the two-sided p-value {@code P(D >= d)} for samples of sizes {@code n} and {@code m}. */
  public static double pValue(double d, int n, int m) {
    if (n < 1 || m < 1) {
      throw new IllegalArgumentException("sample sizes must be >= 1, got " + n + " and " + m);
    }
    if (d <= 0) {
      return 1.0;
    }
    if ((long) n * m <= EXACT_LIMIT) {
      return exactPValue(d, n, m);
    }
    double effective = Math.sqrt((double) n * m / (n + m));
    return kolmogorovTail((effective + 0.12 + 0.11 / effective) * d);
  }

  /**
   * Counts the monotone lattice paths from (0,0) to (n,m) on which every point satisfies
   * {@code |i/n - j/m| < d}; each path is one equally likely ordering of the pooled sample, so
   * {@code 1 - inside / C(n+m, n)} is {@code P(D >= d)}. Counts are normalised per step to stay finite.
   */
  private static double exactPValue(double d, int n, int m) {
    // Values of |i/n - j/m| equal to d up to rounding count as reaching d.
    double limit = d - 1e-9;
    double[] row = new double[m + 1];
    for (int i = 0; i <= n; i++) {
      for (int j = 0; j <= m; j++) {
        boolean inside = Math.abs((double) i / n - (double) j / m) < limit;
        if (!inside) {
          row[j] = 0;
        } else if (i == 0 && j == 0) {
          row[j] = 1;
        } else {
          // row[j] still holds the count for (i-1, j); row[j-1] is already (i, j-1).
          // Dividing by (i+j)/... keeps magnitudes small: store count / C(i+j, i).
          double fromAbove = i > 0 ? row[j] * i / (i + j) : 0;
          double fromLeft = j > 0 ? row[j - 1] * j / (i + j) : 0;
          row[j] = fromAbove + fromLeft;
        }
      }
    }
    return Math.min(1.0, Math.max(0.0, 1.0 - row[m]));
  }

  /** {@code Q(λ) = 2 Σ (-1)^(k-1) exp(-2 k² λ²)}, the tail of the Kolmogorov distribution. */
  static double kolmogorovTail(double lambda) {
    if (lambda < 0.2) {
      return 1.0;
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double term = Math.exp(-2.0 * k * k * lambda * lambda);
      sum += (k % 2 == 1 ? term : -term);
      if (term < 1e-16) {
        break;
      }
    }
    return Math.min(1.0, Math.max(0.0, 2 * sum));
  }
}
