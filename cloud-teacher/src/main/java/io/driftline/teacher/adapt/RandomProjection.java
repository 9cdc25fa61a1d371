package io.driftline.teacher.adapt;

import java.util.SplittableRandom;

/**
 * Fixed random projection {@code h = ReLU(R·f)} of student features, the first layer of a
 * RanPAC-style ridge adaptor.
 *
 * <p>{@code R} is a Rademacher matrix: every entry is {@code ±1/sqrt(in)}, drawn from a seeded
 * generator. All entries of a row share one magnitude, so the projection is stored exactly at every
 * device precision (INT8 levels ±127 with scale {@code 1/(127·sqrt(in))}; BINARY signs with scale
 * {@code 1/sqrt(in)}): only the ridge head pays a quantization cost.
 *
 * @param inputSize length of the student's feature vector
 * @param outputSize number of random features M
 * @param seed generator seed; the same seed gives the same matrix
 */
public record RandomProjection(int inputSize, int outputSize, long seed) {

  /** Checks the sizes. */
  public RandomProjection {
    if (inputSize <= 0 || outputSize <= 0) {
      throw new IllegalArgumentException(
          "random projection sizes must be positive, got " + inputSize + " -> " + outputSize);
    }
  }

  /** Returns the matrix {@code R} as {@code [outputSize][inputSize]}. */
  public float[][] matrix() {
    SplittableRandom random = new SplittableRandom(seed);
    float magnitude = (float) (1.0 / Math.sqrt(inputSize));
    float[][] r = new float[outputSize][inputSize];
    for (float[] row : r) {
      for (int c = 0; c < inputSize; c++) {
        row[c] = random.nextBoolean() ? magnitude : -magnitude;
      }
    }
    return r;
  }

  /**
   * Projects one feature vector: {@code ReLU(R·f)}.
   *
   * @throws IllegalArgumentException if the feature length is not {@code inputSize}
   */
  public double[] project(float[][] r, float[] features) {
    if (features.length != inputSize) {
      throw new IllegalArgumentException(
          "expected " + inputSize + " features, got " + features.length);
    }
    double[] h = new double[outputSize];
    for (int m = 0; m < outputSize; m++) {
      float[] row = r[m];
      double s = 0;
      for (int c = 0; c < inputSize; c++) {
        s += row[c] * features[c];
      }
      h[m] = Math.max(0, s);
    }
    return h;
  }
}
