package io.driftline.core.update;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An immutable {@code rows × cols} weight matrix stored at one {@link Precision}, with a
 * matrix-vector product that works directly on the stored form.
 *
 * <p>Layouts (all row-major, one row per output):
 *
 * <ul>
 *   <li>{@link Precision#FP32}: {@code rows * cols} floats.
 *   <li>{@link Precision#INT8}: {@code rows * cols} signed bytes in [-127,127] and one float scale
 *       per row, {@code w[r][c] = scale[r] * q[r][c]}; the scale is {@code max|w[r]| / 127} so the
 *       largest weight of a row is exact and every other weight is within {@code scale/2}.
 *   <li>{@link Precision#BINARY}: one bit per weight (1 = non-negative, 0 = negative), each row
 *       padded to whole 64-bit words ({@code ceil(cols / 64)} longs, bit {@code c % 64} of word
 *       {@code c / 64}, padding bits zero), and one float scale per row equal to the mean |w| of
 *       the row, {@code w[r][c] = scale[r] * (bit ? +1 : -1)}.
 * </ul>
 *
 * <p>The binary product never unpacks the bits: with {@code T = Σ_c x[c]} computed once per call,
 * a row is {@code scale[r] * (2 * Σ_{bit set} x[c] - T)}, so each row costs one addition per set
 * bit (found with {@link Long#numberOfTrailingZeros}) and a single multiplication; the weights stay
 * at one bit each in memory, which is the point of shipping them that way.
 */
public final class QuantizedMatrix {

  private static final float[] NO_FLOATS = new float[0];
  private static final byte[] NO_BYTES = new byte[0];
  private static final long[] NO_LONGS = new long[0];

  private final Precision precision;
  private final int rows;
  private final int cols;
  private final float[] values;
  private final byte[] quantized;
  private final long[] bits;
  private final float[] scales;

  private QuantizedMatrix(
      Precision precision, int rows, int cols, float[] values, byte[] quantized, long[] bits,
      float[] scales) {
    this.precision = precision;
    this.rows = rows;
    this.cols = cols;
    this.values = values;
    this.quantized = quantized;
    this.bits = bits;
    this.scales = scales;
  }

  /**
   * Quantizes a float matrix ({@code w[row][col]}, all rows the same length) to a precision.
   *
   * @throws IllegalArgumentException if the matrix is empty, ragged or holds a non-finite value
   */
  public static QuantizedMatrix quantize(float[][] w, Precision precision) {
    int rows = w.length;
    if (rows == 0 || w[0].length == 0) {
      throw new IllegalArgumentException("weight matrix must have at least one row and one column");
    }
    int cols = w[0].length;
    for (int r = 0; r < rows; r++) {
      if (w[r].length != cols) {
        throw new IllegalArgumentException(
            "weight matrix is ragged: row 0 has " + cols + " columns, row " + r + " has " + w[r].length);
      }
      for (int c = 0; c < cols; c++) {
        if (!Float.isFinite(w[r][c])) {
          throw new IllegalArgumentException(
              "weight [" + r + "][" + c + "] is " + w[r][c] + "; weights must be finite");
        }
      }
    }
    return switch (precision) {
      case FP32 -> quantizeFp32(w, rows, cols);
      case INT8 -> quantizeInt8(w, rows, cols);
      case BINARY -> quantizeBinary(w, rows, cols);
    };
  }

  private static QuantizedMatrix quantizeFp32(float[][] w, int rows, int cols) {
    float[] values = new float[Math.multiplyExact(rows, cols)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(w[r], 0, values, r * cols, cols);
    }
    return new QuantizedMatrix(Precision.FP32, rows, cols, values, NO_BYTES, NO_LONGS, NO_FLOATS);
  }

  private static QuantizedMatrix quantizeInt8(float[][] w, int rows, int cols) {
    byte[] q = new byte[Math.multiplyExact(rows, cols)];
    float[] scales = new float[rows];
    for (int r = 0; r < rows; r++) {
      float max = 0f;
      for (float v : w[r]) {
        max = Math.max(max, Math.abs(v));
      }
      float scale = max / 127f;
      scales[r] = scale;
      if (scale == 0f) {
        continue;
      }
      for (int c = 0; c < cols; c++) {
        int level = Math.round(w[r][c] / scale);
        q[r * cols + c] = (byte) Math.max(-127, Math.min(127, level));
      }
    }
    return new QuantizedMatrix(Precision.INT8, rows, cols, NO_FLOATS, q, NO_LONGS, scales);
  }

  private static QuantizedMatrix quantizeBinary(float[][] w, int rows, int cols) {
    int wordsPerRow = wordsPerRow(cols);
    long[] bits = new long[Math.multiplyExact(rows, wordsPerRow)];
    float[] scales = new float[rows];
    for (int r = 0; r < rows; r++) {
      double sumAbs = 0;
      for (int c = 0; c < cols; c++) {
        float v = w[r][c];
        sumAbs += Math.abs(v);
        if (v >= 0f) {
          bits[r * wordsPerRow + (c >>> 6)] |= 1L << (c & 63);
        }
      }
      scales[r] = (float) (sumAbs / cols);
    }
    return new QuantizedMatrix(Precision.BINARY, rows, cols, NO_FLOATS, NO_BYTES, bits, scales);
  }

  /**
   * Wraps full-precision weights given row-major (copied).
   *
   * @throws IllegalArgumentException if the array length is not {@code rows * cols}
   */
  public static QuantizedMatrix ofFp32(int rows, int cols, float[] rowMajor) {
    checkShape(rows, cols);
    checkLength("fp32 weights", rowMajor.length, (long) rows * cols);
    for (int i = 0; i < rowMajor.length; i++) {
      if (!Float.isFinite(rowMajor[i])) {
        throw new IllegalArgumentException(
            "fp32 weight at row " + i / cols + ", column " + i % cols + " is " + rowMajor[i]
                + "; weights must be finite");
      }
    }
    return new QuantizedMatrix(
        Precision.FP32, rows, cols, rowMajor.clone(), NO_BYTES, NO_LONGS, NO_FLOATS);
  }

  /**
   * Wraps 8-bit weights given row-major and their per-row scales (both copied).
   *
   * @throws IllegalArgumentException if a length is wrong or a level is -128 (outside the
   *     symmetric range)
   */
  public static QuantizedMatrix ofInt8(int rows, int cols, float[] scales, byte[] levels) {
    checkShape(rows, cols);
    checkLength("int8 scales", scales.length, rows);
    checkScales("int8", scales);
    checkLength("int8 levels", levels.length, (long) rows * cols);
    for (int i = 0; i < levels.length; i++) {
      if (levels[i] == Byte.MIN_VALUE) {
        throw new IllegalArgumentException(
            "int8 level at row " + i / cols + ", column " + i % cols
                + " is -128; symmetric int8 weights must lie in [-127,127]");
      }
    }
    return new QuantizedMatrix(
        Precision.INT8, rows, cols, NO_FLOATS, levels.clone(), NO_LONGS, scales.clone());
  }

  /**
   * Wraps 1-bit weights (each row padded to {@code ceil(cols / 64)} words) and their per-row scales
   * (both copied).
   *
   * @throws IllegalArgumentException if a length is wrong or a padding bit is set
   */
  public static QuantizedMatrix ofBinary(int rows, int cols, float[] scales, long[] words) {
    checkShape(rows, cols);
    int wordsPerRow = wordsPerRow(cols);
    checkLength("binary scales", scales.length, rows);
    checkScales("binary", scales);
    checkLength("binary words", words.length, (long) rows * wordsPerRow);
    int tail = cols & 63;
    if (tail != 0) {
      for (int r = 0; r < rows; r++) {
        if ((words[r * wordsPerRow + wordsPerRow - 1] >>> tail) != 0) {
          throw new IllegalArgumentException(
              "binary weights of row " + r + " have padding bits set beyond column " + cols);
        }
      }
    }
    return new QuantizedMatrix(
        Precision.BINARY, rows, cols, NO_FLOATS, NO_BYTES, words.clone(), scales.clone());
  }

  private static void checkShape(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "weight matrix shape must be positive, got " + rows + "x" + cols);
    }
  }

  private static void checkScales(String what, float[] scales) {
    for (int r = 0; r < scales.length; r++) {
      if (!(scales[r] >= 0f) || scales[r] == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            what + " scale of row " + r + " is " + scales[r] + "; scales must be finite and >= 0");
      }
    }
  }

  private static void checkLength(String what, int actual, long expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(what + ": expected " + expected + " values, got " + actual);
    }
  }

  /** Number of 64-bit words one binary row of {@code cols} weights takes. */
  public static int wordsPerRow(int cols) {
    return (cols + 63) >>> 6;
  }

  /**
   * Computes {@code out = W · in} on the stored form.
   *
   * @param in a vector of {@link #cols()} values
   * @param out receives {@link #rows()} values (overwritten)
   * @throws IllegalArgumentException if a vector length does not match the matrix
   */
  public void multiply(float[] in, float[] out) {
    if (in.length != cols || out.length != rows) {
      throw new IllegalArgumentException(
          "a " + rows + "x" + cols + " matrix needs an input of " + cols + " and an output of "
              + rows + " values, got " + in.length + " and " + out.length);
    }
    switch (precision) {
      case FP32 -> multiplyFp32(in, out);
      case INT8 -> multiplyInt8(in, out);
      case BINARY -> multiplyBinary(in, out);
      default -> throw new IllegalStateException("unhandled precision " + precision);
    }
  }

  private void multiplyFp32(float[] in, float[] out) {
    for (int r = 0, base = 0; r < rows; r++, base += cols) {
      float acc = 0f;
      for (int c = 0; c < cols; c++) {
        acc += values[base + c] * in[c];
      }
      out[r] = acc;
    }
  }

  private void multiplyInt8(float[] in, float[] out) {
    for (int r = 0, base = 0; r < rows; r++, base += cols) {
      float acc = 0f;
      for (int c = 0; c < cols; c++) {
        acc += quantized[base + c] * in[c];
      }
      out[r] = acc * scales[r];
    }
  }

  private void multiplyBinary(float[] in, float[] out) {
    float total = 0f;
    for (float v : in) {
      total += v;
    }
    int wordsPerRow = wordsPerRow(cols);
    for (int r = 0; r < rows; r++) {
      float positive = 0f;
      int base = r * wordsPerRow;
      for (int k = 0; k < wordsPerRow; k++) {
        long word = bits[base + k];
        int offset = k << 6;
        while (word != 0) {
          positive += in[offset + Long.numberOfTrailingZeros(word)];
          word &= word - 1;
        }
      }
      out[r] = scales[r] * (2f * positive - total);
    }
  }

  /** Returns the dequantized weight at {@code row}, {@code col}. */
  public float get(int row, int col) {
    if (row < 0 || row >= rows || col < 0 || col >= cols) {
      throw new IndexOutOfBoundsException(
          "weight [" + row + "][" + col + "] of a " + rows + "x" + cols + " matrix");
    }
    return switch (precision) {
      case FP32 -> values[row * cols + col];
      case INT8 -> scales[row] * quantized[row * cols + col];
      case BINARY -> {
        long word = bits[row * wordsPerRow(cols) + (col >>> 6)];
        yield (word >>> (col & 63) & 1L) != 0 ? scales[row] : -scales[row];
      }
    };
  }

  /** Returns the dequantized weights as a fresh {@code [rows][cols]} array. */
  public float[][] dequantize() {
    float[][] w = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        w[r][c] = get(r, c);
      }
    }
    return w;
  }

  /**
   * Bytes the weights take as stored and as written into a bundle: {@code 4·rows·cols} for FP32,
   * {@code rows·cols + 4·rows} for INT8, {@code 8·rows·ceil(cols/64) + 4·rows} for BINARY.
   */
  public long byteSize() {
    return switch (precision) {
      case FP32 -> 4L * values.length;
      case INT8 -> quantized.length + 4L * scales.length;
      case BINARY -> 8L * bits.length + 4L * scales.length;
    };
  }

  /** Storage precision. */
  public Precision precision() {
    return precision;
  }

  /** Number of rows (outputs). */
  public int rows() {
    return rows;
  }

  /** Number of columns (inputs). */
  public int cols() {
    return cols;
  }

  /** Returns a copy of the row-major float weights; empty unless the precision is FP32. */
  public float[] fp32Values() {
    return values.clone();
  }

  /** Returns a copy of the row-major int8 levels; empty unless the precision is INT8. */
  public byte[] int8Levels() {
    return quantized.clone();
  }

  /** Returns a copy of the packed bit words; empty unless the precision is BINARY. */
  public long[] binaryWords() {
    return bits.clone();
  }

  /** Returns a copy of the per-row scales; empty for FP32. */
  public float[] scales() {
    return scales.clone();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof QuantizedMatrix other
        && other.precision == precision
        && other.rows == rows
        && other.cols == cols
        && Arrays.equals(values, other.values)
        && Arrays.equals(quantized, other.quantized)
        && Arrays.equals(bits, other.bits)
        && Arrays.equals(scales, other.scales);
  }

  @Override
  public int hashCode() {
    int h = 31 * (31 * precision.hashCode() + rows) + cols;
    h = 31 * h + Arrays.hashCode(values);
    h = 31 * h + Arrays.hashCode(quantized);
    h = 31 * h + Arrays.hashCode(bits);
    return 31 * h + Arrays.hashCode(scales);
  }

  @Override
  public String toString() {
    return "QuantizedMatrix[" + rows + "x" + cols + ", " + precision + ", " + byteSize() + " bytes]";
  }
}
