package io.driftline.teacher.onnx;

import static io.driftline.core.model.OnnxGraphs.dim;
import static io.driftline.core.model.OnnxGraphs.floatAttribute;
import static io.driftline.core.model.OnnxGraphs.floatTensor;
import static io.driftline.core.model.OnnxGraphs.floatValueInfo;
import static io.driftline.core.model.OnnxGraphs.intAttribute;
import static io.driftline.core.model.OnnxGraphs.intsAttribute;
import static io.driftline.core.model.OnnxGraphs.node;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.driftline.core.model.OnnxGraphs;
import io.driftline.core.model.StudentModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a feed-forward convolutional classifier as an ONNX graph, layer by layer, tracking the
 * tensor shape so it can count parameters, MACs and activation memory. The graph has the student
 * signature: input {@code input [N, C, H, W]}, outputs {@code features [N, F]} (marked with
 * {@link #features()}) and {@code logits [N, K]} (added by {@link #classifier}).
 *
 * <p>Weights are He-normal (Relu gain) from the seed; BatchNormalization starts as the identity
 * (scale 1, shift 0, mean 0, variance 1).
 */
final class ConvNetBuilder {

  private static final String INPUT = "input";

  private final GraphProto.Builder graph;
  private final SplittableRandom random;
  // Nodes are kept as builders so features() and classifier() can rename the last output.
  private final List<NodeProto.Builder> pending = new ArrayList<>();
  private NodeProto.Builder last;
  private String current = INPUT;
  private long[] shape;
  private int layer;
  private long parameters;
  private long runningStatistics;
  private long macs;
  private long peakActivation;
  private int featureDimension;

  ConvNetBuilder(String name, int channels, int height, int width, long seed) {
    this.random = new SplittableRandom(seed);
    this.shape = new long[] {channels, height, width};
    this.graph = GraphProto.newBuilder().setName(name)
        .addInput(floatValueInfo(INPUT, dim("N"), dim(channels), dim(height), dim(width)));
    this.last = NodeProto.newBuilder();
  }

  /** Adds Conv 3x3 (padding 1, no bias) + BatchNormalization + Relu with {@code out} channels. */
  ConvNetBuilder convBnRelu(int out) {
    String conv = "conv" + (++layer);
    long in = shape[0];
    float[] weights = heNormal(out * in * 9, in * 9);
    graph.addInitializer(floatTensor(conv + ".weight", weights, out, in, 3, 3));
    add(node("Conv", conv, List.of(current, conv + ".weight"), conv)
        .addAttribute(intsAttribute("kernel_shape", 3, 3))
        .addAttribute(intsAttribute("pads", 1, 1, 1, 1)));
    parameters += weights.length;
    macs += (long) out * in * 9 * shape[1] * shape[2];
    reshape(new long[] {out, shape[1], shape[2]});
    String bn = "bn" + layer;
    graph.addInitializer(floatTensor(bn + ".scale", filled(out, 1f), out));
    graph.addInitializer(floatTensor(bn + ".bias", filled(out, 0f), out));
    graph.addInitializer(floatTensor(bn + ".mean", filled(out, 0f), out));
    graph.addInitializer(floatTensor(bn + ".var", filled(out, 1f), out));
    add(node("BatchNormalization", bn, List.of(current, bn + ".scale", bn + ".bias", bn + ".mean", bn + ".var"), bn)
        .addAttribute(floatAttribute("epsilon", 1e-5f))
        .addAttribute(floatAttribute("momentum", 0.9f)));
    parameters += 2L * out;
    runningStatistics += 2L * out;
    add(node("Relu", "relu" + layer, List.of(current), "relu" + layer));
    return this;
  }

  /** Adds a 2x2 MaxPool with stride 2 (odd sizes round down). */
  ConvNetBuilder maxPool() {
    String pool = "pool" + layer;
    add(node("MaxPool", pool, List.of(current), pool)
        .addAttribute(intsAttribute("kernel_shape", 2, 2))
        .addAttribute(intsAttribute("strides", 2, 2)));
    reshape(new long[] {shape[0], shape[1] / 2, shape[2] / 2});
    return this;
  }

  /** Adds Flatten to {@code [N, C*H*W]}. */
  ConvNetBuilder flatten() {
    add(node("Flatten", "flatten", List.of(current), "flatten").addAttribute(intAttribute("axis", 1)));
    shape = new long[] {shape[0] * shape[1] * shape[2]};
    return this;
  }

  /** Adds Gemm + Relu with {@code out} units; the input must be flat. */
  ConvNetBuilder denseRelu(int out) {
    String dense = "dense" + (++layer);
    gemm(dense, out, 2.0);
    add(node("Relu", "relu" + layer, List.of(current), "relu" + layer));
    return this;
  }

  /** Adds Dropout with the given ratio (active in training only). */
  ConvNetBuilder dropout(float ratio) {
    String name = "dropout" + layer;
    graph.addInitializer(floatTensor(name + ".ratio", new float[] {ratio}));
    add(node("Dropout", name, List.of(current, name + ".ratio"), name));
    return this;
  }

  /** Names the current (flat) tensor the {@code features} output. */
  ConvNetBuilder features() {
    if (shape.length != 1) {
      throw new IllegalStateException("features must be flat, shape is " + Arrays.toString(shape));
    }
    last.setOutput(0, StudentModel.DEFAULT_FEATURES_OUTPUT);
    current = StudentModel.DEFAULT_FEATURES_OUTPUT;
    featureDimension = (int) shape[0];
    return this;
  }

  /** Adds the final Gemm to {@code classes} logits, the {@code logits} output. */
  ConvNetBuilder classifier(int classes) {
    if (featureDimension == 0) {
      throw new IllegalStateException("mark the features before the classifier");
    }
    gemm("classifier", classes, 1.0);
    last.setOutput(0, StudentModel.DEFAULT_LOGITS_OUTPUT);
    current = StudentModel.DEFAULT_LOGITS_OUTPUT;
    return this;
  }

  /** Size and cost of the graph built so far. */
  ArchitectureStats stats() {
    long weightBytes = (parameters + runningStatistics) * Float.BYTES;
    return new ArchitectureStats(parameters, runningStatistics, macs, weightBytes, peakActivation * Float.BYTES);
  }

  /** Returns the model with the given metadata_props. */
  ModelProto build(String docString, Map<String, String> metadata) {
    if (!current.equals(StudentModel.DEFAULT_LOGITS_OUTPUT)) {
      throw new IllegalStateException("add the classifier before building");
    }
    GraphProto.Builder done = graph.clone();
    for (NodeProto.Builder n : pending) {
      done.addNode(n);
    }
    done.addOutput(floatValueInfo(StudentModel.DEFAULT_FEATURES_OUTPUT, dim("N"), dim(featureDimension)));
    done.addOutput(floatValueInfo(StudentModel.DEFAULT_LOGITS_OUTPUT, dim("N"), dim(shape[0])));
    return OnnxGraphs.model(done, "driftline-cloud-teacher", docString, metadata);
  }

  private void gemm(String name, int out, double gain) {
    long in = shape[0];
    float[] weights = heNormal(out * in, in);
    if (gain != 2.0) {
      for (int i = 0; i < weights.length; i++) {
        weights[i] *= (float) Math.sqrt(gain / 2.0);
      }
    }
    graph.addInitializer(floatTensor(name + ".weight", weights, out, in));
    graph.addInitializer(floatTensor(name + ".bias", filled(out, 0f), out));
    add(node("Gemm", name, List.of(current, name + ".weight", name + ".bias"), name)
        .addAttribute(intAttribute("transB", 1)));
    parameters += weights.length + out;
    macs += in * out;
    reshape(new long[] {out});
  }

  private void add(NodeProto.Builder node) {
    pending.add(node);
    last = node;
    current = node.getOutput(0);
  }

  private void reshape(long[] next) {
    peakActivation = Math.max(peakActivation, product(shape) + product(next));
    shape = next;
  }

  private static long product(long[] dims) {
    long p = 1;
    for (long d : dims) {
      p *= d;
    }
    return p;
  }

  private float[] heNormal(long count, long fanIn) {
    double scale = Math.sqrt(2.0 / fanIn);
    float[] values = new float[Math.toIntExact(count)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * scale);
    }
    return values;
  }

  private static float[] filled(int count, float value) {
    float[] values = new float[count];
    Arrays.fill(values, value);
    return values;
  }
}
