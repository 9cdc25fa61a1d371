package io.driftline.drift.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Reference values from SciPy 1.17 {@code scipy.stats.ks_2samp}. */
class KolmogorovSmirnovTest {

  @Test
  void matchesScipyExactOnASmallExample() {
    KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(
        new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}, new double[] {0.45, 0.65, 0.9, 0.95});
    assertThat(r.statistic()).isEqualTo(0.5, within(1e-12));
    assertThat(r.pValue()).isEqualTo(0.513131313131313, within(1e-9));
  }

  @Test
  void matchesScipyExactForAShiftedShortSample() {
    double[] reference = {-0.802, -1.324, -0.248, 0.42, 1.136, 0.11, -0.553, -0.785, 0.749, 1.635,
        0.273, -1.233, -0.958, 1.6, 0.203, -1.732, -0.084, -1.163, -0.629, -0.488, -0.713, 0.553,
        -0.063, -0.589, 0.41, 0.83, -1.643, -0.257, -0.981, -0.173};
    KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(reference, new double[] {0.211, 1.521, 1.462});
    assertThat(r.statistic()).isEqualTo(0.7, within(1e-12));
    assertThat(r.pValue()).isEqualTo(0.08064516129032256, within(1e-9));
  }

  @Test
  void completeSeparationHasTheCombinatorialPValue() {
    double[] reference = IntStream.range(0, 30).asDoubleStream().toArray();
    // 2 / C(33, 3) and 2 / C(32, 2): only the two extreme orderings reach D = 1.
    assertThat(KolmogorovSmirnov.test(reference, new double[] {100, 101, 102}).pValue())
        .isEqualTo(0.0003665689149560117, within(1e-12));
    assertThat(KolmogorovSmirnov.test(reference, new double[] {100, 101}).pValue())
        .isEqualTo(0.004032258064516129, within(1e-12));
  }

  @Test
  void tiesAcrossSamplesAreHandled() {
    KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(new double[] {1, 2, 2, 3}, new double[] {2, 2, 4});
    assertThat(r.statistic()).isEqualTo(1.0 / 3, within(1e-12));
    assertThat(r.pValue()).isEqualTo(0.9714285714285715, within(1e-9));
  }

  @Test
  void largeSamplesUseTheAsymptoticDistributionCloseToScipy() {
    double[] x = new double[] {-0.304, -1.048, -0.396, -1.091, -1.355, 0.225, -1.109, 1.17, 0.717, -1.998, 0.272, -1.102, 0.033, 0.044, -1.988, -0.233, -0.256, 0.962, -1.181, 0.738, -1.099, -0.331, -0.84, 1.449, 0.568, 2.432, 0.642, 0.845, 0.841, -0.607, -0.07, 1.35, -0.397, 0.189, -0.021, 0.609, -0.365, -0.152, 0.242, 0.103, -0.865, 0.896, -1.298, -1.201, -1.282, 0.967, -0.361, -0.971, -1.136, 0.421, -1.055, -1.272, 0.614, -1.197, -0.322, -0.007, -0.445, -0.054, 1.339, -0.517, -1.259, -1.837, -0.205, -0.352, 0.265, -0.464, -0.479, -0.721, -0.52, 0.16, -0.38, 0.1, 1.901, 0.479, -1.576, 1.734, 0.348, -0.941, 0.907, 0.018, -0.615, -0.634, -0.993, 0.048, 1.069, -0.325, 0.421, 1.876, -1.215, 0.258, -0.306, -1.059, -1.026, -0.015, 0.434, -0.532, 0.054, 0.722, 0.297, 0.869, 0.461, 0.488, 1.827, 0.623, 0.129, 0.71, -0.919, -0.338, 0.793, 0.631, 1.548, 0.01, -1.462, 1.947, 1.093, -1.059, 1.376, 0.032, -1.814, -0.42, -0.509, 1.591, -0.792, -0.254, -0.277, -0.379, -0.914, 0.219, 1.077, 0.624, -0.927, -1.15, 0.119, -0.707, -0.63, -1.68, 1.95, 0.917, -0.974, 0.908, 1.342, -2.39, -0.549, -0.388, 0.648, -0.121, -0.23, -0.058, 1.853, 2.16, -0.525, -0.926, 2.693, -0.98, -0.573, 0.037, 0.483, 1.029, 0.391, -0.872, 0.506, 0.25, 1.877, -0.015, -1.337, -1.045, 1.45, -0.54, -2.104, -0.581, 0, 1.189, -1.014, 0.667, 0.795, -0.699, -0.188, 1.769, 1.72, 0.856, 0.332, 1.138, -0.141, -0.095, -0.86, 0.006, -0.082, 2.774, -0.193, 1.271, 1.32, -0.186, 1.169, -2.177, 0.095, 0.857, -2.398, -1.159, 1.056, -0.257};
    double[] y = new double[] {-0.798, -0.074, -0.243, 1.024, 0.754, 0.02, -0.365, 0.246, 1.625, 0.649, 0.939, 0.149, -0.992, -0.411, 0.951, 0.403, -0.604, -1.318, 0.411, -0.04, -0.051, -0.029, 0.584, 0.594, 1.262, 1.228, 1.632, 1.106, -0.036, 0.246, 0.794, -0.01, 0.849, 1.454, -0.501, -1.47, 1.494, 0.318, 1.009, -1.032, 2.033, 1.039, 0.174, -0.052, 0.414, 0.133, 0.021, -0.82, 1.563, 0.26, 0.375, 0.393, -2.058, 0.827, -0.029, 0.011, 0.37, -0.672, 1.143, -0.396, -0.604, -0.562, 0.459, 1.046, -0.295, -1.21, 1.362, -0.765, 1.495, 0.246, -0.398, -0.34, 0.762, 1.189, 0.102, 1.247, 2.387, 0.092, -0.849, -0.754, -1.09, -0.34, -0.424, -1.025, 0.83, -2.311, -1.021, 2.315, 1.338, 0.823, 0.757, 2.071, 0.836, 0.378, -0.93, 0.226, -0.434, -0.406, -0.414, 0.255, -0.03, 1.171, -1.026, 0.131, 2.159, 0.339, 1.499, 1.437, 1.617, 1.038, -1.08, 0.033, -0.08, -1.249, -0.164, -0.95, -1.366, 0.511, 0.256, -0.388, -0.651, -0.241, -0.094, -0.108, 0.247, -0.136, 0.687, 0.823, 0.658, -0.363, -0.317, 0.735, 0.103, 0.257, -2.192, -2.4, 0.637, 0.63, 1.693, 1.021, 0.522, 0.316, -1.127, 1.183, -0.304, 0.802, 0.5, 0.572, 1.193, -0.19};
    KolmogorovSmirnov.Result r = KolmogorovSmirnov.test(x, y);
    assertThat(r.statistic()).isEqualTo(0.14833333333333332, within(1e-12));
    // SciPy: 0.04078 (asymptotic), 0.04204 (exact).
    assertThat(r.pValue()).isBetween(0.038, 0.044);
  }

  @Test
  void identicalSamplesHavePValueOne() {
    double[] a = {1, 2, 3};
    assertThat(KolmogorovSmirnov.test(a, a.clone()).pValue()).isEqualTo(1.0);
  }
}
