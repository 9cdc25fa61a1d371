package io.driftline.teacher.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.driftline.core.model.OnnxGraphs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A DJL block that runs an ONNX graph node by node with DJL operators, so it can be trained with
 * autograd. Float initializers become trainable DJL parameters, BatchNormalization running
 * statistics become non-trainable parameters that training updates, and the remaining initializers
 * (shapes, clip bounds, dropout ratios) stay constants.
 *
 * <p>Every node is checked when the block is created: an operator or option that is not
 * implemented fails then with an {@link UnsupportedOperatorException} naming it. Only 4-D (NCHW)
 * inputs are supported for the convolution and pooling operators.
 */
public final class OnnxBlock extends AbstractBlock {

  /** The ONNX operators the block implements (default domain). */
  public static final List<String> SUPPORTED_OPERATORS = List.of(
      "Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Constant", "Conv", "Dropout",
      "Flatten", "Gemm", "GlobalAveragePool", "Identity", "LeakyRelu", "MatMul", "MaxPool", "Mul",
      "Relu", "Reshape", "Sigmoid", "Softmax", "Sub", "Tanh");

  private static final byte VERSION = 1;

  private final ModelProto source;
  private final GraphProto graph;
  private final int opset;
  private final NDManager manager;
  private final List<String> inputNames = new ArrayList<>();
  private final List<String> outputNames = new ArrayList<>();
  private final Map<String, Parameter> byName = new LinkedHashMap<>();
  private final Set<String> runningStatistics = new HashSet<>();
  private final Map<String, NDArray> constants = new HashMap<>();

  /**
   * Imports {@code model}; the parameter and constant arrays live in {@code manager}.
   *
   * @throws UnsupportedOperatorException if a node uses an operator or option not implemented here
   * @throws IllegalArgumentException if an initializer is stored in a form that cannot be read
   */
  public OnnxBlock(ModelProto model, NDManager manager) {
    super(VERSION);
    this.source = model;
    this.graph = model.getGraph();
    this.manager = manager;
    this.opset = model.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToInt(o -> (int) o.getVersion()).findFirst().orElse(1);
    Set<String> constantInputs = new HashSet<>();
    for (NodeProto node : graph.getNodeList()) {
      check(node);
      switch (node.getOpType()) {
        case "BatchNormalization" -> {
          runningStatistics.add(node.getInput(3));
          runningStatistics.add(node.getInput(4));
        }
        case "Clip", "Reshape", "Dropout" -> {
          for (int i = 1; i < node.getInputCount(); i++) {
            constantInputs.add(node.getInput(i));
          }
        }
        case "Constant" -> constants.put(node.getOutput(0), toArray(constantValue(node), manager));
        default -> { }
      }
    }
    Set<String> initializerNames = new HashSet<>();
    for (TensorProto initializer : graph.getInitializerList()) {
      String name = initializer.getName();
      initializerNames.add(name);
      NDArray array = toArray(initializer, manager);
      if (initializer.getDataType() != TensorProto.DataType.FLOAT_VALUE || constantInputs.contains(name)) {
        constants.put(name, array);
        continue;
      }
      boolean running = runningStatistics.contains(name);
      Parameter parameter = Parameter.builder()
          .setName(name)
          .setType(running ? Parameter.Type.RUNNING_MEAN : Parameter.Type.WEIGHT)
          .optRequiresGrad(!running)
          .optArray(array)
          .build();
      byName.put(name, addParameter(parameter));
    }
    for (ValueInfoProto input : graph.getInputList()) {
      if (!initializerNames.contains(input.getName())) {
        inputNames.add(input.getName());
      }
    }
    for (ValueInfoProto output : graph.getOutputList()) {
      outputNames.add(output.getName());
    }
  }

  /** Names of the graph inputs fed by {@link #forward}, in order (initializers excluded). */
  public List<String> inputNames() {
    return List.copyOf(inputNames);
  }

  /** Names of the graph outputs, in the order {@link #forward} returns them. */
  public List<String> outputNames() {
    return List.copyOf(outputNames);
  }

  /** Number of trainable values (running statistics and constants excluded). */
  public long trainableParameterCount() {
    long count = 0;
    for (Map.Entry<String, Parameter> entry : byName.entrySet()) {
      if (!runningStatistics.contains(entry.getKey())) {
        count += entry.getValue().getArray().size();
      }
    }
    return count;
  }

  /**
   * Returns the source model with every float initializer replaced by the block's current value
   * (trained weights and BatchNormalization running statistics); everything else is unchanged.
   */
  public ModelProto toOnnx() {
    GraphProto.Builder updated = graph.toBuilder();
    for (int i = 0; i < updated.getInitializerCount(); i++) {
      TensorProto initializer = updated.getInitializer(i);
      Parameter parameter = byName.get(initializer.getName());
      if (parameter != null) {
        updated.setInitializer(i, OnnxGraphs.floatTensor(initializer.getName(),
            parameter.getArray().toFloatArray(), toLongs(initializer.getDimsList())));
      }
    }
    return source.toBuilder().setGraph(updated).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    if (inputs.size() != inputNames.size()) {
      throw new IllegalArgumentException("graph " + graph.getName() + " has " + inputNames.size()
          + " inputs " + inputNames + ", got " + inputs.size() + " arrays");
    }
    Map<String, NDArray> values = new HashMap<>(constants);
    for (int i = 0; i < inputs.size(); i++) {
      values.put(inputNames.get(i), inputs.get(i));
    }
    for (Map.Entry<String, Parameter> entry : byName.entrySet()) {
      values.put(entry.getKey(), parameterStore.getValue(entry.getValue(), inputs.head().getDevice(), training));
    }
    for (NodeProto node : graph.getNodeList()) {
      if (!node.getOpType().equals("Constant")) {
        values.put(node.getOutput(0), run(node, values, training));
      }
    }
    NDList outputs = new NDList(outputNames.size());
    for (String name : outputNames) {
      outputs.add(values.get(name));
    }
    return outputs;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    try (NDManager scratch = manager.newSubManager()) {
      NDList zeros = new NDList();
      for (Shape shape : inputShapes) {
        zeros.add(scratch.zeros(shape));
      }
      NDList out = forward(new ParameterStore(scratch, false), zeros, false);
      return out.getShapes();
    }
  }

  private NDArray run(NodeProto node, Map<String, NDArray> values, boolean training) {
    NDArray x = value(values, node, 0);
    return switch (node.getOpType()) {
      case "Identity" -> x;
      case "Add" -> x.add(value(values, node, 1));
      case "Sub" -> x.sub(value(values, node, 1));
      case "Mul" -> x.mul(value(values, node, 1));
      case "MatMul" -> x.matMul(value(values, node, 1));
      case "Gemm" -> gemm(node, values, x);
      case "Relu" -> Activation.relu(x);
      case "LeakyRelu" -> Activation.leakyRelu(x, floatAttribute(node, "alpha", 0.01f));
      case "Sigmoid" -> Activation.sigmoid(x);
      case "Tanh" -> Activation.tanh(x);
      case "Clip" -> clip(node, values, x);
      case "Conv" -> conv(node, values, x);
      case "MaxPool" -> Pool.maxPool2d(x, kernel(node), strides(node), pads(node),
          intAttribute(node, "ceil_mode", 0) == 1);
      case "AveragePool" -> averagePool(node, x);
      case "GlobalAveragePool" -> globalAveragePool(x);
      case "BatchNormalization" -> BatchNorm.batchNorm(x, value(values, node, 3), value(values, node, 4),
          value(values, node, 1), value(values, node, 2), 1, floatAttribute(node, "momentum", 0.9f),
          floatAttribute(node, "epsilon", 1e-5f), training).head();
      case "Flatten" -> flatten(x, (int) intAttribute(node, "axis", 1));
      case "Reshape" -> x.reshape(reshapeTarget(node, values, x.getShape()));
      case "Concat" -> concat(node, values);
      case "Softmax" -> softmax(node, x);
      case "Dropout" -> dropout(node, values, x, training);
      default -> throw new UnsupportedOperatorException(node.getOpType(), node.getName(), "");
    };
  }

  private static NDArray gemm(NodeProto node, Map<String, NDArray> values, NDArray a) {
    NDArray b = value(values, node, 1);
    if (intAttribute(node, "transA", 0) == 1) {
      a = a.transpose();
    }
    if (intAttribute(node, "transB", 0) == 1) {
      b = b.transpose();
    }
    NDArray y = a.matMul(b);
    // The factors are tensors of the output's manager, not NDArray.mul(Number): DJL closes the tensor it makes of
    // a number at once, while autograd keeps it for the backward pass (which then reads freed memory).
    float alpha = floatAttribute(node, "alpha", 1f);
    if (alpha != 1f) {
      y = y.mul(y.getManager().create(alpha));
    }
    if (hasInput(node, 2)) {
      NDArray c = value(values, node, 2);
      float beta = floatAttribute(node, "beta", 1f);
      y = y.add(beta != 1f ? c.mul(y.getManager().create(beta)) : c);
    }
    return y;
  }

  private NDArray clip(NodeProto node, Map<String, NDArray> values, NDArray x) {
    float min;
    float max;
    if (opset < 11) {
      min = floatAttribute(node, "min", -Float.MAX_VALUE);
      max = floatAttribute(node, "max", Float.MAX_VALUE);
    } else {
      min = hasInput(node, 1) ? value(values, node, 1).toFloatArray()[0] : -Float.MAX_VALUE;
      max = hasInput(node, 2) ? value(values, node, 2).toFloatArray()[0] : Float.MAX_VALUE;
    }
    return x.clip(min, max);
  }

  private static NDArray conv(NodeProto node, Map<String, NDArray> values, NDArray x) {
    NDArray weight = value(values, node, 1);
    NDArray bias = hasInput(node, 2) ? value(values, node, 2) : null;
    return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, strides(node), pads(node),
        dilations(node), (int) intAttribute(node, "group", 1)).head();
  }

  private static NDArray flatten(NDArray x, int axis) {
    long[] dims = x.getShape().getShape();
    int at = axis < 0 ? axis + dims.length : axis;
    long outer = 1;
    for (int i = 0; i < at; i++) {
      outer *= dims[i];
    }
    return x.reshape(outer, -1);
  }

  private static Shape reshapeTarget(NodeProto node, Map<String, NDArray> values, Shape input) {
    long[] target = value(values, node, 1).toLongArray();
    for (int i = 0; i < target.length; i++) {
      if (target[i] == 0) {
        target[i] = input.get(i);
      }
    }
    return new Shape(target);
  }

  private static NDArray concat(NodeProto node, Map<String, NDArray> values) {
    NDList parts = new NDList(node.getInputCount());
    for (int i = 0; i < node.getInputCount(); i++) {
      parts.add(value(values, node, i));
    }
    return NDArrays.concat(parts, (int) intAttribute(node, "axis", 0));
  }

  private NDArray softmax(NodeProto node, NDArray x) {
    if (opset >= 13) {
      return x.softmax((int) intAttribute(node, "axis", -1));
    }
    // Before opset 13 Softmax works on the input coerced to 2-D at `axis`.
    Shape shape = x.getShape();
    return flatten(x, (int) intAttribute(node, "axis", 1)).softmax(1).reshape(shape);
  }

  private NDArray dropout(NodeProto node, Map<String, NDArray> values, NDArray x, boolean training) {
    float ratio = opset < 12 ? floatAttribute(node, "ratio", 0.5f)
        : hasInput(node, 1) ? value(values, node, 1).toFloatArray()[0] : 0.5f;
    if (!training || ratio == 0f) {
      return x;
    }
    return Dropout.dropout(x, ratio, true).head();
  }

  private static NDArray averagePool(NodeProto node, NDArray x) {
    boolean ceil = intAttribute(node, "ceil_mode", 0) == 1;
    NDArray sumLike = Pool.avgPool2d(x, kernel(node), strides(node), pads(node), ceil, true);
    if (intAttribute(node, "count_include_pad", 0) == 1 || pads(node).size() == 0) {
      return sumLike;
    }
    // ONNX's default divides by the number of real (unpadded) pixels under the window; the share
    // of real pixels per window is the same pooling applied to ones.
    NDArray coverage = Pool.avgPool2d(x.onesLike(), kernel(node), strides(node), pads(node), ceil, true);
    return sumLike.div(coverage);
  }

  private static NDArray globalAveragePool(NDArray x) {
    NDArray pooled = x;
    for (int axis = x.getShape().dimension() - 1; axis >= 2; axis--) {
      pooled = pooled.mean(new int[] {axis}, true);
    }
    return pooled;
  }

  // Import-time checks of operators and options, so a graph that cannot be run faithfully is
  // rejected before any training starts.
  private void check(NodeProto node) {
    String op = node.getOpType();
    String name = node.getName();
    if (!(node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"))) {
      throw new UnsupportedOperatorException(node.getDomain() + "." + op, name, "only the default ONNX domain is supported");
    }
    if (!SUPPORTED_OPERATORS.contains(op)) {
      throw new UnsupportedOperatorException(op, name, "");
    }
    if (Set.of("Conv", "MaxPool", "AveragePool").contains(op)) {
      String autoPad = stringAttribute(node, "auto_pad", "NOTSET");
      if (!autoPad.equals("NOTSET")) {
        throw new UnsupportedOperatorException(op, name, "auto_pad " + autoPad + " (give explicit pads)");
      }
      long[] pads = longsAttribute(node, "pads");
      int half = pads.length / 2;
      for (int i = 0; i < half; i++) {
        if (pads[i] != pads[i + half]) {
          throw new UnsupportedOperatorException(op, name, "asymmetric pads " + Arrays.toString(pads));
        }
      }
      if (!op.equals("Conv")) {
        for (long d : longsAttribute(node, "dilations")) {
          if (d != 1) {
            throw new UnsupportedOperatorException(op, name, "dilations other than 1");
          }
        }
      }
    }
    if (Set.of("MaxPool", "Dropout", "BatchNormalization").contains(op)) {
      for (int i = 1; i < node.getOutputCount(); i++) {
        if (!node.getOutput(i).isEmpty()) {
          throw new UnsupportedOperatorException(op, name, "optional output " + (i + 1) + " ('" + node.getOutput(i) + "')");
        }
      }
    }
    if (op.equals("Reshape") && intAttribute(node, "allowzero", 0) != 0) {
      throw new UnsupportedOperatorException(op, name, "allowzero=1");
    }
    if (op.equals("Constant") && !node.getAttributeList().stream().anyMatch(a -> a.getName().equals("value"))) {
      throw new UnsupportedOperatorException(op, name, "only the 'value' attribute");
    }
  }

  private static TensorProto constantValue(NodeProto node) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals("value")) {
        return attribute.getT();
      }
    }
    throw new UnsupportedOperatorException("Constant", node.getName(), "only the 'value' attribute");
  }

  private static NDArray value(Map<String, NDArray> values, NodeProto node, int input) {
    NDArray array = values.get(node.getInput(input));
    if (array == null) {
      throw new IllegalStateException("node '" + node.getName() + "' (" + node.getOpType()
          + ") reads '" + node.getInput(input) + "', which no earlier node produced; the graph must be topologically sorted");
    }
    return array;
  }

  private static boolean hasInput(NodeProto node, int input) {
    return node.getInputCount() > input && !node.getInput(input).isEmpty();
  }

  private static Shape kernel(NodeProto node) {
    return new Shape(longsAttribute(node, "kernel_shape"));
  }

  private static Shape strides(NodeProto node) {
    long[] strides = longsAttribute(node, "strides");
    return strides.length == 0 ? new Shape(1, 1) : new Shape(strides);
  }

  private static Shape dilations(NodeProto node) {
    long[] dilations = longsAttribute(node, "dilations");
    return dilations.length == 0 ? new Shape(1, 1) : new Shape(dilations);
  }

  private static Shape pads(NodeProto node) {
    long[] pads = longsAttribute(node, "pads");
    return pads.length == 0 ? new Shape(0, 0) : new Shape(Arrays.copyOf(pads, pads.length / 2));
  }

  private static long intAttribute(NodeProto node, String name, long fallback) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return attribute.getI();
      }
    }
    return fallback;
  }

  private static float floatAttribute(NodeProto node, String name, float fallback) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return attribute.getF();
      }
    }
    return fallback;
  }

  private static String stringAttribute(NodeProto node, String name, String fallback) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return attribute.getS().toStringUtf8();
      }
    }
    return fallback;
  }

  private static long[] longsAttribute(NodeProto node, String name) {
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return toLongs(attribute.getIntsList());
      }
    }
    return new long[0];
  }

  private static long[] toLongs(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static NDArray toArray(TensorProto tensor, NDManager manager) {
    if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException("initializer '" + tensor.getName()
          + "' is stored as external data; load the model with its data inlined");
    }
    Shape shape = new Shape(toLongs(tensor.getDimsList()));
    ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    switch (tensor.getDataType()) {
      case TensorProto.DataType.FLOAT_VALUE -> {
        float[] data = new float[Math.toIntExact(shape.size())];
        if (tensor.hasRawData()) {
          raw.asFloatBuffer().get(data);
        } else {
          for (int i = 0; i < data.length; i++) {
            data[i] = tensor.getFloatData(i);
          }
        }
        return manager.create(data, shape);
      }
      case TensorProto.DataType.INT64_VALUE -> {
        long[] data = new long[Math.toIntExact(shape.size())];
        if (tensor.hasRawData()) {
          raw.asLongBuffer().get(data);
        } else {
          for (int i = 0; i < data.length; i++) {
            data[i] = tensor.getInt64Data(i);
          }
        }
        return manager.create(data, shape);
      }
      default -> throw new IllegalArgumentException("initializer '" + tensor.getName() + "' has ONNX data type "
          + TensorProto.DataType.forNumber(tensor.getDataType()) + "; only FLOAT and INT64 are supported");
    }
  }
}
