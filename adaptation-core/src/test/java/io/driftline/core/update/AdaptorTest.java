package io.driftline.core.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class AdaptorTest {

  private static float[][] randomMatrix(SplittableRandom rnd, int rows, int cols) {
    float[][] w = new float[rows][cols];
    for (float[] row : w) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) rnd.nextGaussian();
      }
    }
    return w;
  }

  private static float[] randomVector(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  private static double[] dense(float[][] w, float[] b, double[] x, boolean relu) {
    double[] y = new double[w.length];
    for (int r = 0; r < w.length; r++) {
      double acc = b[r];
      for (int c = 0; c < x.length; c++) {
        acc += w[r][c] * x[c];
      }
      y[r] = relu ? Math.max(0, acc) : acc;
    }
    return y;
  }

  @Test
  void twoLayerForwardMatchesAnIndependentComputation() {
    SplittableRandom rnd = new SplittableRandom(21);
    float[][] w1 = randomMatrix(rnd, 16, 32);
    float[] b1 = randomVector(rnd, 16);
    float[][] w2 = randomMatrix(rnd, 10, 16);
    float[] b2 = randomVector(rnd, 10);
    Adaptor adaptor = Adaptor.of(List.of(w1, w2), List.of(b1, b2), Precision.FP32, false);
    assertThat(adaptor.inputSize()).isEqualTo(32);
    assertThat(adaptor.classCount()).isEqualTo(10);
    boolean sawNegativeOutput = false;
    for (int trial = 0; trial < 20; trial++) {
      float[] f = randomVector(rnd, 32);
      double[] x = new double[32];
      for (int i = 0; i < 32; i++) {
        x[i] = f[i];
      }
      double[] expected = dense(w2, b2, dense(w1, b1, x, true), false);
      float[] actual = adaptor.apply(f, new float[10]);
      for (int k = 0; k < 10; k++) {
        assertThat((double) actual[k]).isCloseTo(expected[k], Offset.offset(1e-4));
        sawNegativeOutput |= actual[k] < 0;
      }
    }
    // the output layer has no ReLU, so negative logits must survive
    assertThat(sawNegativeOutput).isTrue();
  }

  @Test
  void reluSitsBetweenLayersOnly() {
    // hidden = [x, -x], output = hidden0 + hidden1 - 1: with ReLU between it is |x| - 1
    Adaptor adaptor = Adaptor.of(
        List.of(new float[][] {{1f}, {-1f}}, new float[][] {{1f, 1f}}),
        List.of(new float[] {0f, 0f}, new float[] {-1f}),
        Precision.FP32,
        false);
    assertThat(adaptor.adaptorLogits(new float[] {3f})).containsExactly(2f);
    assertThat(adaptor.adaptorLogits(new float[] {-3f})).containsExactly(2f);
    assertThat(adaptor.adaptorLogits(new float[] {0.25f})).containsExactly(-0.75f);
  }

  @Test
  void residualAddsTheStudentsLogits() {
    SplittableRandom rnd = new SplittableRandom(22);
    float[][] w = randomMatrix(rnd, 4, 8);
    float[] b = randomVector(rnd, 4);
    Adaptor plain = Adaptor.of(List.<float[][]>of(w), List.of(b), Precision.INT8, false);
    Adaptor residual = Adaptor.of(List.<float[][]>of(w), List.of(b), Precision.INT8, true);
    float[] features = randomVector(rnd, 8);
    float[] student = randomVector(rnd, 4);
    float[] own = plain.apply(features, student);
    float[] mixed = residual.apply(features, student);
    for (int k = 0; k < 4; k++) {
      assertThat(mixed[k]).isEqualTo(own[k] + student[k]);
    }

    Adaptor zero = Adaptor.of(List.<float[][]>of(new float[4][8]), List.of(new float[4]), Precision.BINARY, true);
    assertThat(zero.apply(features, student)).containsExactly(student);
  }

  @Test
  void byteSizeOfA64To10HeadPerPrecision() {
    SplittableRandom rnd = new SplittableRandom(23);
    float[][] w = randomMatrix(rnd, 10, 64);
    float[] b = randomVector(rnd, 10);
    // weights as in QuantizedMatrix plus a 10-float bias (40 bytes)
    assertThat(Adaptor.of(List.<float[][]>of(w), List.of(b), Precision.FP32, false).byteSize()).isEqualTo(2600);
    assertThat(Adaptor.of(List.<float[][]>of(w), List.of(b), Precision.INT8, false).byteSize()).isEqualTo(720);
    assertThat(Adaptor.of(List.<float[][]>of(w), List.of(b), Precision.BINARY, false).byteSize()).isEqualTo(160);
  }

  @Test
  void shapeErrorsNameWhatIsWrong() {
    float[][] w1 = new float[5][8];
    float[][] w2 = new float[3][4];
    assertThatThrownBy(
            () -> Adaptor.of(List.of(w1, w2), List.of(new float[5], new float[3]), Precision.FP32, false))
        .hasMessageContaining("layer 1 takes 4 inputs but layer 0 produces 5");
    Adaptor ok = Adaptor.of(List.<float[][]>of(w1), List.of(new float[5]), Precision.FP32, true);
    assertThatThrownBy(() -> ok.apply(new float[7], new float[5])).hasMessageContaining("expects 8 features");
    assertThatThrownBy(() -> ok.apply(new float[8], new float[4])).hasMessageContaining("student gave 4");
    assertThatThrownBy(() -> DenseLayer.of(new float[2][2], new float[3], Precision.FP32))
        .hasMessageContaining("bias has 3 values");
  }
}
