package io.driftline.core.update;

import java.util.ArrayList;
import java.util.List;

/**
 * A shallow dense network on the frozen student's feature vector that produces class logits: layers
 * {@code in → h1 → … → K} with ReLU between layers and no activation after the last.
 *
 * <p>With {@code residual} false the adaptor replaces the student's head: the final logits are the
 * adaptor's. With {@code residual} true it corrects the head: final = student logits + adaptor
 * logits, so an adaptor whose last layer is all zeros leaves the student's predictions unchanged.
 *
 * <p>Instances are immutable and safe to share between threads; each call allocates its own small
 * scratch vectors.
 *
 * @param layers at least one layer; each layer's input size equals the previous layer's output size
 * @param residual whether the adaptor's logits are added to the student's own logits
 */
public record Adaptor(List<DenseLayer> layers, boolean residual) {

  /** Checks that the layers chain and copies the list. */
  public Adaptor {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("an adaptor needs at least one layer");
    }
    for (int i = 1; i < layers.size(); i++) {
      int previousOut = layers.get(i - 1).outputSize();
      int in = layers.get(i).inputSize();
      if (previousOut != in) {
        throw new IllegalArgumentException(
            "adaptor layer " + i + " takes " + in + " inputs but layer " + (i - 1) + " produces "
                + previousOut);
      }
    }
    layers = List.copyOf(layers);
  }

  /**
   * Builds an adaptor by quantizing float layers ({@code weights.get(i)[out][in]},
   * {@code biases.get(i)[out]}) to one precision.
   */
  public static Adaptor of(
      List<float[][]> weights, List<float[]> biases, Precision precision, boolean residual) {
    if (weights.size() != biases.size()) {
      throw new IllegalArgumentException(
          weights.size() + " weight matrices but " + biases.size() + " bias vectors");
    }
    List<DenseLayer> layers = new ArrayList<>(weights.size());
    for (int i = 0; i < weights.size(); i++) {
      layers.add(DenseLayer.of(weights.get(i), biases.get(i), precision));
    }
    return new Adaptor(layers, residual);
  }

  /** Length of the feature vector the adaptor reads. */
  public int inputSize() {
    return layers.get(0).inputSize();
  }

  /** Number of classes (logits) it produces. */
  public int classCount() {
    return layers.get(layers.size() - 1).outputSize();
  }

  /** Bytes of all weights, scales and biases as stored in a bundle. */
  public long byteSize() {
    long total = 0;
    for (DenseLayer layer : layers) {
      total += layer.byteSize();
    }
    return total;
  }

  /**
   * Runs the network alone and returns its {@link #classCount()} logits, ignoring {@code residual}.
   *
   * @throws IllegalArgumentException if the feature vector has the wrong length
   */
  public float[] adaptorLogits(float[] features) {
    if (features.length != inputSize()) {
      throw new IllegalArgumentException(
          "adaptor expects " + inputSize() + " features, got " + features.length
              + "; was it trained for a different student?");
    }
    float[] current = features;
    for (int i = 0; i < layers.size(); i++) {
      DenseLayer layer = layers.get(i);
      float[] next = new float[layer.outputSize()];
      layer.forward(current, next);
      if (i < layers.size() - 1) {
        for (int j = 0; j < next.length; j++) {
          next[j] = Math.max(0f, next[j]);
        }
      }
      current = next;
    }
    return current;
  }

  /**
   * Returns the final logits for one frame: the adaptor's own logits, or with {@code residual} the
   * student's logits plus the adaptor's.
   *
   * @param features the student's feature vector
   * @param studentLogits the student's own logits (read only in residual mode; must have
   *     {@link #classCount()} values)
   * @throws IllegalArgumentException if a vector has the wrong length
   */
  public float[] apply(float[] features, float[] studentLogits) {
    float[] logits = adaptorLogits(features);
    if (residual) {
      if (studentLogits.length != logits.length) {
        throw new IllegalArgumentException(
            "residual adaptor produces " + logits.length + " logits but the student gave "
                + studentLogits.length);
      }
      for (int i = 0; i < logits.length; i++) {
        logits[i] += studentLogits[i];
      }
    }
    return logits;
  }

  @Override
  public String toString() {
    StringBuilder shape = new StringBuilder().append(inputSize());
    for (DenseLayer layer : layers) {
      shape.append("->").append(layer.outputSize());
    }
    return "Adaptor[" + shape + (residual ? ", residual" : "") + ", " + byteSize() + " bytes]";
  }
}
