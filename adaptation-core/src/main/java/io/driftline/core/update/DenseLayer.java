package io.driftline.core.update;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One fully connected layer {@code y = W·x + bias}: weights {@code [out × in]} at some precision and
 * a float bias of length {@code out}.
 *
 * @param weights the {@code out × in} weight matrix
 * @param bias {@code out} values, kept in 32-bit floats at every precision
 */
public record DenseLayer(QuantizedMatrix weights, float[] bias) {

  /** Checks that the bias fits the weights and is finite, and copies it. */
  public DenseLayer {
    if (bias.length != weights.rows()) {
      throw new IllegalArgumentException(
          "bias has " + bias.length + " values but the weights have " + weights.rows() + " rows");
    }
    for (int i = 0; i < bias.length; i++) {
      if (!Float.isFinite(bias[i])) {
        throw new IllegalArgumentException("bias[" + i + "] is " + bias[i] + "; biases must be finite");
      }
    }
    bias = bias.clone();
  }

  /** Builds a layer by quantizing float weights {@code w[out][in]} to a precision. */
  public static DenseLayer of(float[][] weights, float[] bias, Precision precision) {
    return new DenseLayer(QuantizedMatrix.quantize(weights, precision), bias);
  }

  /** Returns a copy of the bias. */
  @Override
  public float[] bias() {
    return bias.clone();
  }

  /** Number of inputs. */
  public int inputSize() {
    return weights.cols();
  }

  /** Number of outputs. */
  public int outputSize() {
    return weights.rows();
  }

  /** Bytes of weights, scales and bias as stored in a bundle. */
  public long byteSize() {
    return weights.byteSize() + 4L * bias.length;
  }

  /** Computes {@code out = W·in + bias} (no activation); {@code out} is overwritten. */
  public void forward(float[] in, float[] out) {
    weights.multiply(in, out);
    for (int i = 0; i < out.length; i++) {
      out[i] += bias[i];
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DenseLayer other
        && weights.equals(other.weights)
        && Arrays.equals(bias, other.bias);
  }

  @Override
  public int hashCode() {
    return 31 * weights.hashCode() + Arrays.hashCode(bias);
  }

  @Override
  public String toString() {
    return "DenseLayer[" + inputSize() + "->" + outputSize() + ", " + weights.precision() + "]";
  }
}
