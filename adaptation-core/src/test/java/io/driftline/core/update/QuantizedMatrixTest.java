package io.driftline.core.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizedMatrixTest {

  /** Column counts around the 64-bit word boundary of the binary layout. */
  private static final int[] COLS = {1, 5, 63, 64, 65, 130};

  private static float[][] randomMatrix(SplittableRandom rnd, int rows, int cols) {
    float[][] w = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        w[r][c] = (float) (rnd.nextGaussian() * (0.1 + r));
      }
    }
    return w;
  }

  /** The int8 rule written out independently: scale = max|w|/127, q = round(w/scale). */
  private static float[][] referenceInt8(float[][] w) {
    float[][] out = new float[w.length][];
    for (int r = 0; r < w.length; r++) {
      float max = 0f;
      for (float v : w[r]) {
        max = Math.max(max, Math.abs(v));
      }
      float scale = max / 127f;
      out[r] = new float[w[r].length];
      for (int c = 0; c < w[r].length; c++) {
        out[r][c] = scale == 0f ? 0f : scale * Math.round(w[r][c] / scale);
      }
    }
    return out;
  }

  /** The 1-bit rule written out independently: scale = mean|w| of the row, times sign (0 -> +). */
  private static float[][] referenceBinary(float[][] w) {
    float[][] out = new float[w.length][];
    for (int r = 0; r < w.length; r++) {
      double sum = 0;
      for (float v : w[r]) {
        sum += Math.abs(v);
      }
      float scale = (float) (sum / w[r].length);
      out[r] = new float[w[r].length];
      for (int c = 0; c < w[r].length; c++) {
        out[r][c] = w[r][c] >= 0f ? scale : -scale;
      }
    }
    return out;
  }

  private static double[] referenceProduct(float[][] w, float[] x) {
    double[] y = new double[w.length];
    for (int r = 0; r < w.length; r++) {
      for (int c = 0; c < x.length; c++) {
        y[r] += (double) w[r][c] * x[c];
      }
    }
    return y;
  }

  @Test
  void int8ErrorIsAtMostHalfAScalePerWeight() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int cols : COLS) {
      float[][] w = randomMatrix(rnd, 7, cols);
      QuantizedMatrix q = QuantizedMatrix.quantize(w, Precision.INT8);
      float[] scales = q.scales();
      byte[] levels = q.int8Levels();
      for (int r = 0; r < w.length; r++) {
        float max = 0f;
        for (float v : w[r]) {
          max = Math.max(max, Math.abs(v));
        }
        assertThat(scales[r]).isEqualTo(max / 127f);
        for (int c = 0; c < cols; c++) {
          assertThat((int) levels[r * cols + c]).isBetween(-127, 127);
          double error = Math.abs(w[r][c] - q.get(r, c));
          // half a step, plus float rounding of the product scale * q
          assertThat(error).isLessThanOrEqualTo(scales[r] / 2 * (1 + 1e-5) + 1e-7);
        }
      }
    }
  }

  @Test
  void int8OfAllZeroRowIsExactlyZero() {
    QuantizedMatrix q = QuantizedMatrix.quantize(new float[][] {{0f, 0f}, {1f, -2f}}, Precision.INT8);
    assertThat(q.get(0, 0)).isZero();
    assertThat(q.get(0, 1)).isZero();
    assertThat(q.get(1, 1)).isEqualTo(-2f);
  }

  @Test
  void binaryReproducesSignTimesRowMeanExactly() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int cols : COLS) {
      float[][] w = randomMatrix(rnd, 5, cols);
      w[0][0] = 0f;
      float[][] expected = referenceBinary(w);
      assertThat(QuantizedMatrix.quantize(w, Precision.BINARY).dequantize()).isDeepEqualTo(expected);
    }
  }

  @Test
  void fp32KeepsWeightsExactly() {
    float[][] w = randomMatrix(new SplittableRandom(13), 3, 9);
    assertThat(QuantizedMatrix.quantize(w, Precision.FP32).dequantize()).isDeepEqualTo(w);
  }

  @Test
  void multiplyMatchesTheProductOfTheDequantizedMatrix() {
    SplittableRandom rnd = new SplittableRandom(14);
    for (Precision precision : Precision.values()) {
      for (int cols : COLS) {
        float[][] w = randomMatrix(rnd, 6, cols);
        float[][] reference = switch (precision) {
          case FP32 -> w;
          case INT8 -> referenceInt8(w);
          case BINARY -> referenceBinary(w);
        };
        float[] x = new float[cols];
        for (int c = 0; c < cols; c++) {
          x[c] = (float) rnd.nextGaussian();
        }
        float[] y = new float[6];
        QuantizedMatrix.quantize(w, precision).multiply(x, y);
        double[] expected = referenceProduct(reference, x);
        for (int r = 0; r < 6; r++) {
          double magnitude = 0;
          for (int c = 0; c < cols; c++) {
            magnitude += Math.abs((double) reference[r][c] * x[c]);
          }
          assertThat((double) y[r])
              .as("%s %dx%d row %d", precision, 6, cols, r)
              .isCloseTo(expected[r], org.assertj.core.data.Offset.offset(1e-5 * (1 + magnitude)));
        }
      }
    }
  }

  @Test
  void byteSizesFollowTheStoredLayout() {
    float[][] w = randomMatrix(new SplittableRandom(15), 10, 64);
    // 10x64: fp32 10*64*4; int8 10*64 levels + 10 float scales; binary 10 rows * one long + 10 scales
    assertThat(QuantizedMatrix.quantize(w, Precision.FP32).byteSize()).isEqualTo(2560);
    assertThat(QuantizedMatrix.quantize(w, Precision.INT8).byteSize()).isEqualTo(680);
    assertThat(QuantizedMatrix.quantize(w, Precision.BINARY).byteSize()).isEqualTo(120);
    float[][] wide = randomMatrix(new SplittableRandom(16), 3, 65);
    assertThat(QuantizedMatrix.quantize(wide, Precision.BINARY).byteSize()).isEqualTo(3 * 2 * 8 + 3 * 4);
  }

  @Test
  void rawFactoriesRebuildAnEqualMatrix() {
    float[][] w = randomMatrix(new SplittableRandom(17), 4, 70);
    QuantizedMatrix fp = QuantizedMatrix.quantize(w, Precision.FP32);
    QuantizedMatrix i8 = QuantizedMatrix.quantize(w, Precision.INT8);
    QuantizedMatrix b1 = QuantizedMatrix.quantize(w, Precision.BINARY);
    assertThat(QuantizedMatrix.ofFp32(4, 70, fp.fp32Values())).isEqualTo(fp);
    assertThat(QuantizedMatrix.ofInt8(4, 70, i8.scales(), i8.int8Levels())).isEqualTo(i8);
    assertThat(QuantizedMatrix.ofBinary(4, 70, b1.scales(), b1.binaryWords())).isEqualTo(b1);
    assertThat(b1).isNotEqualTo(i8);
  }

  @Test
  void rejectsInputsThatWouldMisbehave() {
    assertThatThrownBy(() -> QuantizedMatrix.ofBinary(1, 3, new float[] {1f}, new long[] {0b1000}))
        .hasMessageContaining("padding bits");
    assertThatThrownBy(() -> QuantizedMatrix.ofInt8(1, 2, new float[] {1f}, new byte[] {0, -128}))
        .hasMessageContaining("-128").hasMessageContaining("column 1");
    assertThatThrownBy(() -> QuantizedMatrix.quantize(new float[][] {{1f, Float.NaN}}, Precision.INT8))
        .hasMessageContaining("[0][1]");
    assertThatThrownBy(() -> QuantizedMatrix.quantize(new float[][] {{1f, 2f}, {3f}}, Precision.FP32))
        .hasMessageContaining("ragged");
    assertThatThrownBy(() -> QuantizedMatrix.ofInt8(1, 1, new float[] {-1f}, new byte[] {1}))
        .hasMessageContaining("scale of row 0");
    QuantizedMatrix m = QuantizedMatrix.quantize(new float[][] {{1f, 2f}}, Precision.FP32);
    assertThatThrownBy(() -> m.multiply(new float[3], new float[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input of 2");
  }
}
