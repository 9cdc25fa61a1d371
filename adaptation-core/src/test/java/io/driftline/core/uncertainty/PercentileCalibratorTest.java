package io.driftline.core.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PercentileCalibratorTest {

  @Test
  void percentileIsTheEmpiricalCdf() {
    double[] reference = new double[100];
    for (int i = 0; i < 100; i++) {
      reference[i] = 100 - i; // 100 .. 1, unsorted on purpose
    }
    PercentileCalibrator calibrator = PercentileCalibrator.fit(reference);
    assertThat(calibrator.percentile(0)).isZero();
    assertThat(calibrator.percentile(1)).isEqualTo(0.01);
    assertThat(calibrator.percentile(50)).isEqualTo(0.5);
    assertThat(calibrator.percentile(50.5)).isEqualTo(0.5);
    assertThat(calibrator.percentile(100)).isEqualTo(1.0);
    assertThat(calibrator.percentile(1e9)).isEqualTo(1.0);
    assertThat(calibrator.scoreAtPercentile(0.95)).isEqualTo(95.0);
    assertThat(calibrator.scoreAtPercentile(0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(reference[0]).as("input left unchanged").isEqualTo(100);
  }

  @Test
  void scoreAtPercentileIsTheExactInverseOfPercentile() {
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(60);
      double[] reference = new double[n];
      for (int i = 0; i < n; i++) {
        reference[i] = random.nextInt(10); // many ties
      }
      PercentileCalibrator calibrator = PercentileCalibrator.fit(reference);
      double p = trial % 10 == 0 ? (double) random.nextInt(n + 1) / n : random.nextDouble();
      double threshold = calibrator.scoreAtPercentile(p);
      for (double x : reference) {
        // percentile(x) >= p exactly when x >= threshold
        assertThat(calibrator.percentile(x) >= p).isEqualTo(x >= threshold);
      }
    }
  }

  @Test
  void percentileThresholdsCarryAcrossModelsWhereRawEnergyDoesNot() {
    // Model B has the same ranking of samples as model A but logits 5x as large and shifted:
    // a raw energy threshold from A means something else on B, a percentile threshold does not.
    SplittableRandom random = new SplittableRandom(17);
    List<float[]> cleanA = new ArrayList<>();
    List<float[]> cleanB = new ArrayList<>();
    List<float[]> heldOutA = new ArrayList<>();
    List<float[]> heldOutB = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      float[] a = new float[10];
      float[] b = new float[10];
      for (int c = 0; c < 10; c++) {
        a[c] = (float) random.nextGaussian();
        b[c] = 5 * a[c] + 3;
      }
      (i < 2000 ? cleanA : heldOutA).add(a);
      (i < 2000 ? cleanB : heldOutB).add(b);
    }
    CalibratedUncertainty calA = CalibratedUncertainty.fit(UncertaintyMeasure.ENERGY, cleanA);
    CalibratedUncertainty calB = CalibratedUncertainty.fit(UncertaintyMeasure.ENERGY, cleanB);
    double flaggedA = heldOutA.stream().filter(l -> calA.uncertainty(l) > 0.9).count() / 2000.0;
    double flaggedB = heldOutB.stream().filter(l -> calB.uncertainty(l) > 0.9).count() / 2000.0;
    assertThat(flaggedA).isCloseTo(0.1, within(0.03));
    assertThat(flaggedB).isCloseTo(0.1, within(0.03));

    double rawThresholdFromA = calA.calibrator().scoreAtPercentile(0.9);
    double flaggedBRaw =
        heldOutB.stream().filter(l -> Logits.energy(l) > rawThresholdFromA).count() / 2000.0;
    assertThat(Math.abs(flaggedBRaw - 0.1)).isGreaterThan(0.05);
  }

  @Test
  void calibratedUncertaintyIsAFractionOfCleanData() {
    List<float[]> clean = List.of(new float[] {5, 0}, new float[] {3, 0}, new float[] {1, 0}, new float[] {0, 0});
    CalibratedUncertainty entropy = CalibratedUncertainty.fit(UncertaintyMeasure.ENTROPY, clean);
    assertThat(entropy.uncertainty(new float[] {0, 0})).isEqualTo(1.0);
    assertThat(entropy.uncertainty(new float[] {4, 0})).isEqualTo(0.25); // only {5,0} is surer
    assertThat(entropy.uncertainty(new float[] {9, 0})).isEqualTo(0.0);
  }

  @Test
  void invalidReferencesAreRejected() {
    assertThatThrownBy(() -> PercentileCalibrator.fit(new double[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> PercentileCalibrator.fit(new double[] {1, Double.NaN}))
        .hasMessageContaining("referenceScores[1]");
    PercentileCalibrator calibrator = PercentileCalibrator.fit(new double[] {1, 2});
    assertThatThrownBy(() -> calibrator.scoreAtPercentile(1.5)).hasMessageContaining("percentile");
    assertThatThrownBy(() -> calibrator.percentile(Double.NaN)).hasMessageContaining("NaN");
  }
}
