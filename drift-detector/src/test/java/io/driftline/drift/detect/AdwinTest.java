package io.driftline.drift.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdwinTest {

  @Test
  void boundMatchesTheFormulaByHand() {
    // n0 = n1 = 10: m = 5, n = 20, ln(2 ln 20 / 0.01) = ln(599.146...) = 6.39551...
    double logTerm = Math.log(2 * Math.log(20) / 0.01);
    assertThat(logTerm).isEqualTo(6.39551, within(1e-5));
    double expected = Math.sqrt(2.0 / 5 * 0.25 * logTerm) + 2.0 / 15 * logTerm;
    assertThat(Adwin.bound(10, 10, 0.25, 0.01)).isEqualTo(expected, within(1e-12));
    assertThat(expected).isEqualTo(1.65245, within(1e-5));
  }

  @Test
  void cutsAtAStepOnceTheDifferenceExceedsTheBound() {
    // 20 zeros then threes: with k threes the best split is at the step, difference 3, and the
    // window variance is 9 p(1-p) with p = k / (20 + k). The first k for which 3 > bound:
    int expectedK = -1;
    for (int k = 1; k <= 20 && expectedK < 0; k++) {
      double p = k / (20.0 + k);
      if (k >= 2 && 3 > Adwin.bound(20, k, 9 * p * (1 - p), 0.01)) {
        expectedK = k;
      }
    }
    assertThat(expectedK).isPositive();
    double[] values = new double[40];
    Arrays.fill(values, 20, 40, 3);
    for (int k = 1; k <= 20; k++) {
      int dropped = Adwin.cut(values, 0, 20 + k, 0.01, 2);
      if (k < expectedK) {
        assertThat(dropped).as("k=%d", k).isZero();
      } else {
        assertThat(dropped).as("k=%d", k).isEqualTo(20);
        break;
      }
    }
  }

  @Test
  void keepsAStationaryWindow() {
    SplittableRandom random = new SplittableRandom(11);
    int cuts = 0;
    double[] values = new double[32];
    for (int trial = 0; trial < 2_000; trial++) {
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextGaussian();
      }
      if (Adwin.cut(values, 0, values.length, 0.002, 2) > 0) {
        cuts++;
      }
    }
    // The bound is conservative: far fewer than delta * trials false cuts.
    assertThat(cuts).isLessThanOrEqualTo(2);
  }

  @Test
  void respectsTheWindowBoundsAndMinimumSide() {
    double[] values = new double[19];
    Arrays.fill(values, 0, 3, 100);
    Arrays.fill(values, 13, 19, 20);
    // Only [3, 13) is examined: all zeros, nothing to cut.
    assertThat(Adwin.cut(values, 3, 13, 0.01, 2)).isZero();
    // [3, 19): ten zeros then six twenties; with at least 7 values a side no split may decide.
    assertThat(Adwin.cut(values, 3, 19, 0.01, 7)).isZero();
    assertThat(Adwin.cut(values, 3, 19, 0.01, 3)).isEqualTo(10);
  }
}
