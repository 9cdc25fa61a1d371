package io.driftline.core.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogitsTest {

  @Test
  void uniformLogitsHaveMaximalEntropyZeroMarginAndClosedFormEnergy() {
    for (int k : new int[] {2, 3, 10, 1000}) {
      float c = 2.5f;
      float[] logits = new float[k];
      Arrays.fill(logits, c);
      assertThat(Logits.entropy(logits)).isCloseTo(Math.log(k), within(1e-9));
      assertThat(Logits.normalizedEntropy(logits)).isCloseTo(1.0, within(1e-9));
      assertThat(Logits.margin(logits)).isCloseTo(0.0, within(1e-12));
      // -log(k * e^c) = -(c + ln k)
      assertThat(Logits.energy(logits)).isCloseTo(-(c + Math.log(k)), within(1e-9));
      double[] uniform = new double[k];
      Arrays.fill(uniform, 1.0 / k);
      assertThat(Logits.softmax(logits)).containsExactly(uniform, within(1e-12));
    }
  }

  @Test
  void nearlyOneHotLogitsAreCertain() {
    float[] logits = {50f, 0f, 0f, 0f};
    // p_other = e^-50 / (1 + 3e^-50), so the entropy is about 3 * 50 * e^-50 ~ 3e-20.
    assertThat(Logits.entropy(logits)).isLessThan(1e-15);
    assertThat(Logits.normalizedEntropy(logits)).isLessThan(1e-15);
    assertThat(Logits.margin(logits)).isCloseTo(1.0, within(1e-15));
    assertThat(UncertaintyMeasure.MARGIN.unitUncertainty(logits)).isCloseTo(0.0, within(1e-15));
  }

  @Test
  void twoClassReadingsMatchTheirClosedForms() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 500; trial++) {
      float a = (float) random.nextDouble(-20, 20);
      float b = (float) random.nextDouble(-20, 20);
      double p = 1 / (1 + Math.exp(-((double) a - b)));
      double q = 1 - p;
      double entropy = (p > 0 ? -p * Math.log(p) : 0) + (q > 0 ? -q * Math.log(q) : 0);
      assertThat(Logits.entropy(new float[] {a, b})).isCloseTo(entropy, within(1e-9));
      assertThat(Logits.margin(new float[] {a, b}))
          .isCloseTo(Math.abs(Math.tanh(((double) a - b) / 2)), within(1e-9));
      double max = Math.max(a, b);
      assertThat(Logits.energy(new float[] {a, b}))
          .isCloseTo(-(max + Math.log1p(Math.exp(-Math.abs((double) a - b)))), within(1e-9));
    }
  }

  @Test
  void moderateLogitsMatchTheNaiveFormulas() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 300; trial++) {
      int k = 2 + random.nextInt(30);
      float[] logits = new float[k];
      for (int i = 0; i < k; i++) {
        logits[i] = (float) random.nextDouble(-10, 10);
      }
      double temperature = random.nextDouble(0.2, 5);
      double sum = 0;
      double sumT = 0;
      for (float l : logits) {
        sum += Math.exp(l);
        sumT += Math.exp(l / temperature);
      }
      double entropy = 0;
      double[] expected = new double[k];
      for (int i = 0; i < k; i++) {
        expected[i] = Math.exp(logits[i]) / sum;
        entropy -= expected[i] * Math.log(expected[i]);
      }
      double[] sorted = expected.clone();
      Arrays.sort(sorted);
      assertThat(Logits.softmax(logits)).containsExactly(expected, within(1e-12));
      assertThat(Logits.entropy(logits)).isCloseTo(entropy, within(1e-9));
      assertThat(Logits.normalizedEntropy(logits)).isCloseTo(entropy / Math.log(k), within(1e-9));
      assertThat(Logits.margin(logits)).isCloseTo(sorted[k - 1] - sorted[k - 2], within(1e-12));
      assertThat(Logits.energy(logits)).isCloseTo(-Math.log(sum), within(1e-9));
      assertThat(Logits.energy(logits, temperature)).isCloseTo(-temperature * Math.log(sumT), within(1e-9));
    }
  }

  @Test
  void hugeLogitsNeitherOverflowNorLoseTheirShape() {
    assertThat(Logits.entropy(new float[] {1e30f, 1e30f})).isCloseTo(Math.log(2), within(1e-12));
    assertThat(Logits.energy(new float[] {3e38f, -3e38f})).isEqualTo(-(double) 3e38f);
    assertThat(Logits.entropy(new float[] {3e38f, -3e38f})).isEqualTo(0.0);
    assertThat(Logits.softmax(new float[] {3e38f, 3e38f, -3e38f})).containsExactly(0.5, 0.5, 0.0);

    // Shifting all logits changes nothing but the energy, which moves by minus the shift.
    float[] small = {2f, 1f, 0f};
    float[] shifted = {1002f, 1001f, 1000f};
    assertThat(Logits.entropy(shifted)).isCloseTo(Logits.entropy(small), within(1e-12));
    assertThat(Logits.margin(shifted)).isCloseTo(Logits.margin(small), within(1e-12));
    assertThat(Logits.energy(shifted)).isCloseTo(Logits.energy(small) - 1000, within(1e-9));
  }

  @Test
  void singleClassIsCertain() {
    float[] one = {3f};
    assertThat(Logits.entropy(one)).isZero();
    assertThat(Logits.normalizedEntropy(one)).isZero();
    assertThat(Logits.margin(one)).isEqualTo(1.0);
    assertThat(Logits.energy(one)).isCloseTo(-3.0, within(1e-12));
  }

  @Test
  void invalidInputIsRejectedWithTheReason() {
    assertThatThrownBy(() -> Logits.entropy(new float[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> Logits.softmax(new float[] {0f, 1f, Float.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logits[2]");
    assertThatThrownBy(() -> Logits.energy(new float[] {Float.POSITIVE_INFINITY}))
        .hasMessageContaining("logits[0]");
    assertThatThrownBy(() -> Logits.energy(new float[] {1f}, 0)).hasMessageContaining("temperature");
    assertThatThrownBy(() -> Logits.logSumExp(new float[] {1f}, Double.NaN)).hasMessageContaining("temperature");
  }

  @Test
  void boundedMeasuresGiveUnitReadingsAndEnergyAsksForCalibration() {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      float[] logits = new float[2 + random.nextInt(20)];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) random.nextDouble(-30, 30);
      }
      assertThat(UncertaintyMeasure.ENTROPY.unitUncertainty(logits)).isBetween(0.0, 1.0);
      assertThat(UncertaintyMeasure.MARGIN.unitUncertainty(logits)).isBetween(0.0, 1.0);
      assertThat(UncertaintyMeasure.ENTROPY.score(logits)).isCloseTo(Logits.entropy(logits), within(0.0));
      assertThat(UncertaintyMeasure.ENERGY.score(logits)).isCloseTo(Logits.energy(logits), within(0.0));
    }
    assertThat(UncertaintyMeasure.ENERGY.hasUnitReading()).isFalse();
    assertThatThrownBy(() -> UncertaintyMeasure.ENERGY.unitUncertainty(new float[] {1f, 2f}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CalibratedUncertainty");
  }

  @Test
  void sharperLogitsReadAsLessUncertain() {
    float[] base = {1.0f, 0.4f, -0.3f, 0.1f};
    double previousEntropy = Double.POSITIVE_INFINITY;
    double previousMargin = Double.POSITIVE_INFINITY;
    for (float scale = 0.5f; scale <= 8; scale *= 2) {
      float[] logits = new float[base.length];
      for (int i = 0; i < base.length; i++) {
        logits[i] = base[i] * scale;
      }
      assertThat(UncertaintyMeasure.ENTROPY.unitUncertainty(logits)).isLessThan(previousEntropy);
      assertThat(UncertaintyMeasure.MARGIN.unitUncertainty(logits)).isLessThan(previousMargin);
      previousEntropy = UncertaintyMeasure.ENTROPY.unitUncertainty(logits);
      previousMargin = UncertaintyMeasure.MARGIN.unitUncertainty(logits);
    }
  }
}
