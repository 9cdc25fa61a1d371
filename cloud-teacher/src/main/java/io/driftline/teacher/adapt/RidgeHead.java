package io.driftline.teacher.adapt;

import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DenseLayer;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.Precision;
import io.driftline.core.update.QuantizedMatrix;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A solved RanPAC-style adaptor: {@code logits = Wᵀ·ReLU(R·f) + b}, kept in double precision on the
 * teacher and exported as a two-layer device {@link Adaptor} ({@code R} then {@code Wᵀ}, ReLU in
 * between, replacing the student's head).
 */
public final class RidgeHead {

  /** Sign-refinement rounds of the 1-bit export. */
  static final int BINARY_ROUNDS = 10;

  private final float[][] projection;
  private final double[][] weights;
  private final double[] bias;
  private final @Nullable RidgeStatistics statistics;
  private final double lambda;

  /**
   * Creates a head.
   *
   * @param projection {@code R}, {@code [M][in]}
   * @param solution ridge solution {@code [M + 1][K]}, last row the bias (see
   *     {@link RidgeStatistics#solve})
   */
  RidgeHead(float[][] projection, double[][] solution) {
    this(projection, solution, null, 0);
  }

  /**
   * Creates a head that keeps its statistics, so the 1-bit export can refit each output row's scale
   * and bias to the data instead of using the generic {@code mean|w|} rule.
   */
  RidgeHead(
      float[][] projection, double[][] solution, @Nullable RidgeStatistics statistics, double lambda) {
    int m = projection.length;
    if (solution.length != m + 1) {
      throw new IllegalArgumentException(
          "ridge solution has " + solution.length + " rows, expected " + (m + 1));
    }
    int k = solution[0].length;
    this.projection = projection;
    this.weights = new double[k][m];
    this.bias = solution[m].clone();
    this.statistics = statistics;
    this.lambda = lambda;
    for (int i = 0; i < m; i++) {
      for (int c = 0; c < k; c++) {
        weights[c][i] = solution[i][c];
      }
    }
  }

  /** Length of the student feature vector the head reads. */
  public int inputSize() {
    return projection[0].length;
  }

  /** Number of random features M. */
  public int randomFeatures() {
    return projection.length;
  }

  /** Number of classes K. */
  public int classCount() {
    return bias.length;
  }

  /** Teacher-side logits for one feature vector, computed in double precision. */
  public double[] logits(float[] features) {
    if (features.length != inputSize()) {
      throw new IllegalArgumentException(
          "expected " + inputSize() + " features, got " + features.length);
    }
    int m = projection.length;
    double[] h = new double[m];
    for (int i = 0; i < m; i++) {
      double s = 0;
      float[] row = projection[i];
      for (int c = 0; c < row.length; c++) {
        s += row[c] * features[c];
      }
      h[i] = Math.max(0, s);
    }
    double[] out = new double[bias.length];
    for (int k = 0; k < out.length; k++) {
      double s = bias[k];
      double[] w = weights[k];
      for (int i = 0; i < m; i++) {
        s += w[i] * h[i];
      }
      out[k] = s;
    }
    return out;
  }

  /** Teacher-side predicted class for one feature vector. */
  public int predict(float[] features) {
    return argmax(logits(features));
  }

  /**
   * Exports the head as a device adaptor at one weight precision (biases stay fp32). For BINARY,
   * when the head keeps its statistics, each output row keeps the signs of its ridge weights and
   * gets the scale and bias that fit the training data best with those signs (closed form).
   */
  public Adaptor toAdaptor(Precision precision) {
    DenseLayer first =
        new DenseLayer(
            QuantizedMatrix.quantize(projection, precision), new float[projection.length]);
    return new Adaptor(List.of(first, headLayer(weights, bias, statistics, lambda, precision)), false);
  }

  /**
   * Builds a linear output layer {@code W·h + b} at one precision. For BINARY with the statistics of
   * {@code h} at hand, each row keeps the signs of its weights and gets the scale and bias that fit
   * the data best with those signs (sign coordinate descent and closed-form scale and bias, see
   * {@link RidgeStatistics#fitBinaryRow}); otherwise the generic core quantization applies.
   *
   * @param weights {@code [K][M]}
   * @param bias {@code [K]}
   * @param statistics statistics of the layer's inputs {@code h} against the targets, or null
   * @param lambda the ridge strength the statistics are solved with
   */
  static DenseLayer headLayer(
      double[][] weights,
      double[] bias,
      @Nullable RidgeStatistics statistics,
      double lambda,
      Precision precision) {
    float[][] w = new float[weights.length][];
    float[] b = toFloat(bias);
    for (int k = 0; k < w.length; k++) {
      w[k] = toFloat(weights[k]);
      if (precision == Precision.BINARY && statistics != null) {
        double[] signs = new double[w[k].length];
        for (int i = 0; i < signs.length; i++) {
          signs[i] = weights[k][i] >= 0 ? 1 : -1;
        }
        double[] fit = statistics.fitBinaryRow(signs, k, lambda, BINARY_ROUNDS);
        for (int i = 0; i < signs.length; i++) {
          w[k][i] = (float) (fit[0] * signs[i]);
        }
        b[k] = (float) fit[1];
      }
    }
    return new DenseLayer(QuantizedMatrix.quantize(w, precision), b);
  }

  /** Output weights {@code [K][M]} (not copied; package-private for warm starts). */
  double[][] outputWeights() {
    return weights;
  }

  /** Output bias {@code [K]} (not copied). */
  double[] outputBias() {
    return bias;
  }

  /** Exports the head as a device domain adaptor with the domain's HDC prototype. */
  public DomainAdaptor toDomainAdaptor(String domainId, Hypervector prototype, Precision precision) {
    return new DomainAdaptor(domainId, prototype, toAdaptor(precision));
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
