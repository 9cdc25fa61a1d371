package io.driftline.teacher.adapt;

import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DenseLayer;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.Precision;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained MLP adaptor {@code logits = W₂·ReLU(W₁f + b₁) + b₂}, kept in double precision on the
 * teacher and exported as a two-layer device {@link Adaptor} that replaces the student's head.
 * Made by {@link MlpAdaptorTrainer}.
 */
public final class MlpHead {

  private final double[][] w1;
  private final double[] b1;
  private final double[][] w2;
  private final double[] b2;
  private final float[][] binaryW1;
  private final double[] binaryB1;
  private final RidgeStatistics binaryHidden;
  private final double lambda;
  private final Map<String, String> lineage;

  MlpHead(
      double[][] w1,
      double[] b1,
      double[][] w2,
      double[] b2,
      float[][] binaryW1,
      double[] binaryB1,
      RidgeStatistics binaryHidden,
      double lambda,
      Map<String, String> lineage) {
    this.w1 = w1;
    this.b1 = b1;
    this.w2 = w2;
    this.b2 = b2;
    this.binaryW1 = binaryW1;
    this.binaryB1 = binaryB1;
    this.binaryHidden = binaryHidden;
    this.lambda = lambda;
    this.lineage = Collections.unmodifiableMap(new LinkedHashMap<>(lineage));
  }

  /** Length of the student feature vector the head reads. */
  public int inputSize() {
    return w1[0].length;
  }

  /** Hidden width H. */
  public int hiddenWidth() {
    return w1.length;
  }

  /** Number of classes K. */
  public int classCount() {
    return b2.length;
  }

  /** Teacher-side logits for one feature vector, computed in double precision. */
  public double[] logits(float[] features) {
    if (features.length != inputSize()) {
      throw new IllegalArgumentException(
          "expected " + inputSize() + " features, got " + features.length);
    }
    double[] h = new double[w1.length];
    for (int j = 0; j < h.length; j++) {
      double s = b1[j];
      for (int c = 0; c < features.length; c++) {
        s += w1[j][c] * features[c];
      }
      h[j] = Math.max(0, s);
    }
    double[] out = new double[b2.length];
    for (int k = 0; k < out.length; k++) {
      double s = b2[k];
      for (int j = 0; j < h.length; j++) {
        s += w2[k][j] * h[j];
      }
      out[k] = s;
    }
    return out;
  }

  /** Teacher-side predicted class for one feature vector. */
  public int predict(float[] features) {
    return RidgeHead.argmax(logits(features));
  }

  /**
   * Exports the head as a device adaptor at one weight precision (biases stay fp32).
   *
   * <p>FP32 and INT8 quantize both layers of the trained network with the core rules. BINARY takes
   * the first layer of the quantization-aware network (trained under the core 1-bit rule) and refits
   * the output layer to the hidden features the device computes with it on the training samples:
   * the closed-form ridge solution, then per row the sign coordinate descent with closed-form scale
   * and bias of the ridge adaptor's 1-bit export ({@link RidgeHead#headLayer}). Both are plain core
   * BINARY layers, so the device needs nothing new.
   */
  public Adaptor toAdaptor(Precision precision) {
    if (precision != Precision.BINARY) {
      return new Adaptor(
          List.of(
              DenseLayer.of(toFloat(w1), RidgeHead.toFloat(b1), precision),
              RidgeHead.headLayer(w2, b2, null, lambda, precision)),
          false);
    }
    double[][] solution = binaryHidden.solve(lambda);
    int h = w1.length;
    double[][] weights = new double[b2.length][h];
    double[] bias = solution[h].clone();
    for (int k = 0; k < weights.length; k++) {
      for (int j = 0; j < h; j++) {
        weights[k][j] = solution[j][k];
      }
    }
    return new Adaptor(
        List.of(
            DenseLayer.of(binaryW1, RidgeHead.toFloat(binaryB1), precision),
            RidgeHead.headLayer(weights, bias, binaryHidden, lambda, precision)),
        false);
  }

  /**
   * Exports with the generic core quantization of both layers, without the 1-bit refit; kept so
   * the cost of plain rounding can be measured against {@link #toAdaptor}.
   */
  public Adaptor toPlainAdaptor(Precision precision) {
    return Adaptor.of(
        List.of(toFloat(w1), toFloat(w2)), List.of(RidgeHead.toFloat(b1), RidgeHead.toFloat(b2)), precision,
        false);
  }

  /** Exports the head as a device domain adaptor with the domain's HDC prototype. */
  public DomainAdaptor toDomainAdaptor(String domainId, Hypervector prototype, Precision precision) {
    return new DomainAdaptor(domainId, prototype, toAdaptor(precision));
  }

  /** Hyper-parameters and training figures, as lineage entries ({@code adaptor.*}). */
  public Map<String, String> lineage() {
    return lineage;
  }

  private static float[][] toFloat(double[][] m) {
    float[][] out = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = RidgeHead.toFloat(m[i]);
    }
    return out;
  }

  /** {@code ReLU(W·f + b)} in double precision, for float weights. */
  static double[] hidden(float[][] w, double[] b, float[] f) {
    double[] h = new double[w.length];
    for (int j = 0; j < h.length; j++) {
      double s = b[j];
      float[] row = w[j];
      for (int c = 0; c < f.length; c++) {
        s += row[c] * f[c];
      }
      h[j] = Math.max(0, s);
    }
    return h;
  }
}
