package io.driftline.core.model;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edits an ONNX classifier so it fits the student signature: promotes an intermediate tensor (a
 * node output such as the last pooling layer) to the features graph output.
 *
 * <p>A rank-2 tensor {@code [N, F]} becomes the output directly (through an Identity node when the
 * names differ); a tensor of higher rank, e.g. a convolution map {@code [N, C, H, W]}, is flattened
 * to {@code [N, C*H*W]} by an added Flatten node. The output is declared as a float tensor with the
 * rank-2 shape inferred by ONNX Runtime where it can load the model, else from the graph's
 * value_info, else with symbolic sizes.
 */
public final class ModelSurgery {

  private static final Logger LOG = LoggerFactory.getLogger(ModelSurgery.class);
  private static final int MAX_LISTED_CANDIDATES = 60;

  private ModelSurgery() {}

  /**
   * Promotes {@code tensorName} to a graph output named {@value StudentModel#DEFAULT_FEATURES_OUTPUT}.
   *
   * @see #promoteToFeatures(ModelProto, String, String)
   */
  public static byte[] promoteToFeatures(byte[] modelBytes, String tensorName) {
    return promoteToFeatures(modelBytes, tensorName, StudentModel.DEFAULT_FEATURES_OUTPUT);
  }

  /**
   * Promotes {@code tensorName} to a graph output named {@code featuresOutput} and returns the
   * edited model's bytes.
   *
   * @throws StudentModelException if the bytes are not an ONNX model
   * @throws IllegalArgumentException as {@link #promoteToFeatures(ModelProto, String, String)}
   */
  public static byte[] promoteToFeatures(byte[] modelBytes, String tensorName, String featuresOutput) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(modelBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StudentModelException("cannot edit the model: the bytes are not an ONNX ModelProto ("
          + e.getMessage() + ")", e);
    }
    return promoteToFeatures(model, tensorName, featuresOutput).toByteArray();
  }

  /**
   * Promotes {@code tensorName} (the output of some node) to a graph output named
   * {@code featuresOutput}, flattening it to rank 2 when needed. A model whose output
   * {@code featuresOutput} already is that rank-2 tensor is returned unchanged.
   *
   * @throws IllegalArgumentException if no node produces {@code tensorName} (the message lists the
   *     tensors that exist), the tensor is not float or has rank below 2, or {@code featuresOutput}
   *     already names another tensor of the graph
   */
  public static ModelProto promoteToFeatures(ModelProto model, String tensorName, String featuresOutput) {
    GraphProto graph = model.getGraph();
    List<String> candidates = candidateTensors(model);
    if (!candidates.contains(tensorName)) {
      throw new IllegalArgumentException("no node of the model produces tensor '" + tensorName
          + "'; tensors that can become features: " + listed(candidates));
    }
    boolean alreadyOutput = graph.getOutputList().stream().anyMatch(o -> o.getName().equals(featuresOutput));
    if (!tensorName.equals(featuresOutput) && (alreadyOutput || isNameTaken(graph, featuresOutput))) {
      throw new IllegalArgumentException("the model already has a tensor named '" + featuresOutput
          + "'; pass another features output name (and load the result with optFeaturesOutput)");
    }

    Shape shape = inferShape(model, tensorName);
    if (shape.elemType != 0 && shape.elemType != OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
      throw new IllegalArgumentException("tensor '" + tensorName + "' has element type "
          + OnnxMl.TensorProto.DataType.forNumber(shape.elemType) + "; features must be float");
    }
    List<TensorShapeProto.Dimension> dims = shape.dims;
    if (dims != null && dims.size() < 2) {
      throw new IllegalArgumentException("tensor '" + tensorName + "' has rank " + dims.size()
          + "; features need a batch dimension and at least one feature dimension");
    }
    boolean flatten = dims == null || dims.size() > 2;
    if (flatten && tensorName.equals(featuresOutput)) {
      throw new IllegalArgumentException("tensor '" + tensorName + "' has rank "
          + (dims == null ? "unknown" : dims.size()) + " and must be flattened into a new tensor;"
          + " pass a features output name other than '" + tensorName + "'");
    }
    if (alreadyOutput) {
      return model;
    }

    GraphProto.Builder edited = graph.toBuilder();
    if (!tensorName.equals(featuresOutput)) {
      NodeProto.Builder node = NodeProto.newBuilder()
          .setName(uniqueNodeName(graph, "driftline_features_" + (flatten ? "flatten" : "identity")))
          .setOpType(flatten ? "Flatten" : "Identity")
          .addInput(tensorName)
          .addOutput(featuresOutput);
      if (flatten) {
        node.addAttribute(AttributeProto.newBuilder()
            .setName("axis").setType(AttributeProto.AttributeType.INT).setI(1));
      }
      edited.addNode(node);
    }
    edited.addOutput(ValueInfoProto.newBuilder()
        .setName(featuresOutput)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
            .setShape(TensorShapeProto.newBuilder()
                .addDim(batchDimension(dims))
                .addDim(featureDimension(dims, featuresOutput))))));
    return model.toBuilder().setGraph(edited).build();
  }

  /** Returns the names of all node outputs of the main graph, in graph order. */
  public static List<String> candidateTensors(ModelProto model) {
    Set<String> names = new LinkedHashSet<>();
    for (NodeProto node : model.getGraph().getNodeList()) {
      for (String output : node.getOutputList()) {
        if (!output.isEmpty()) {
          names.add(output);
        }
      }
    }
    return List.copyOf(names);
  }

  private static String listed(List<String> candidates) {
    if (candidates.isEmpty()) {
      return "none (the graph has no nodes)";
    }
    if (candidates.size() <= MAX_LISTED_CANDIDATES) {
      return candidates.toString();
    }
    return candidates.subList(0, MAX_LISTED_CANDIDATES) + " and "
        + (candidates.size() - MAX_LISTED_CANDIDATES) + " more";
  }

  private static boolean isNameTaken(GraphProto graph, String name) {
    return graph.getInputList().stream().anyMatch(v -> v.getName().equals(name))
        || graph.getInitializerList().stream().anyMatch(t -> t.getName().equals(name))
        || graph.getNodeList().stream().anyMatch(n -> n.getOutputList().contains(name));
  }

  private static String uniqueNodeName(GraphProto graph, String base) {
    Set<String> taken = new LinkedHashSet<>();
    graph.getNodeList().forEach(n -> taken.add(n.getName()));
    String name = base;
    for (int i = 1; taken.contains(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  private static TensorShapeProto.Dimension batchDimension(@Nullable List<TensorShapeProto.Dimension> dims) {
    if (dims != null && (dims.get(0).hasDimValue() || dims.get(0).hasDimParam())) {
      return dims.get(0);
    }
    return TensorShapeProto.Dimension.newBuilder().setDimParam("N").build();
  }

  private static TensorShapeProto.Dimension featureDimension(
      @Nullable List<TensorShapeProto.Dimension> dims, String featuresOutput) {
    if (dims != null) {
      long size = 1;
      for (int i = 1; i < dims.size(); i++) {
        if (!dims.get(i).hasDimValue() || dims.get(i).getDimValue() <= 0) {
          size = -1;
          break;
        }
        size = Math.multiplyExact(size, dims.get(i).getDimValue());
      }
      if (size > 0) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
      }
    }
    return TensorShapeProto.Dimension.newBuilder().setDimParam(featuresOutput + "_size").build();
  }

  /** Element type (0 when unknown) and dimensions (null when the rank is unknown) of a tensor. */
  private record Shape(int elemType, @Nullable List<TensorShapeProto.Dimension> dims) {}

  private static Shape inferShape(ModelProto model, String tensorName) {
    Shape fromRuntime = shapeFromRuntime(model, tensorName);
    if (fromRuntime != null) {
      return fromRuntime;
    }
    GraphProto graph = model.getGraph();
    List<ValueInfoProto> known = new ArrayList<>(graph.getValueInfoList());
    known.addAll(graph.getOutputList());
    for (ValueInfoProto info : known) {
      if (info.getName().equals(tensorName) && info.getType().hasTensorType()) {
        TypeProto.Tensor tensor = info.getType().getTensorType();
        return new Shape(tensor.getElemType(), tensor.hasShape() ? tensor.getShape().getDimList() : null);
      }
    }
    LOG.debug("shape of tensor '{}' is unknown; flattening it and declaring float features", tensorName);
    return new Shape(0, null);
  }

  // ONNX Runtime's Java enum numbers its element types differently from ONNX; the names agree.
  private static int onnxElementType(TensorInfo tensor) {
    String name = tensor.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
    try {
      return OnnxMl.TensorProto.DataType.valueOf(name).getNumber();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  // ONNX Runtime runs full shape inference when it loads a graph, so asking it for the tensor as an
  // (untyped) extra output is the most reliable source of its type and shape.
  private static @Nullable Shape shapeFromRuntime(ModelProto model, String tensorName) {
    GraphProto graph = model.getGraph();
    ModelProto probe = model;
    if (graph.getOutputList().stream().noneMatch(o -> o.getName().equals(tensorName))) {
      probe = model.toBuilder()
          .setGraph(graph.toBuilder().addOutput(ValueInfoProto.newBuilder().setName(tensorName)))
          .build();
    }
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // Only the declared shapes are wanted; graph optimisations would only cost time.
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = environment.createSession(probe.toByteArray(), options)) {
        NodeInfo node = session.getOutputInfo().get(tensorName);
        if (node == null || !(node.getInfo() instanceof TensorInfo tensor)) {
          return null;
        }
        long[] shape = tensor.getShape();
        String[] names = tensor.getDimensionNames();
        List<TensorShapeProto.Dimension> dims = new ArrayList<>(shape.length);
        for (int i = 0; i < shape.length; i++) {
          TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
          if (shape[i] >= 0) {
            dim.setDimValue(shape[i]);
          } else if (i < names.length && !names[i].isEmpty()) {
            dim.setDimParam(names[i]);
          }
          dims.add(dim.build());
        }
        // ONNX Runtime reports an unknown shape as rank 0; a true scalar cannot be a node output
        // that a classifier would want as features, so treat it as unknown.
        return new Shape(onnxElementType(tensor), dims.isEmpty() ? null : dims);
      }
    } catch (OrtException e) {
      LOG.debug("ONNX Runtime cannot load the model to infer the shape of '{}': {}", tensorName, e.getMessage());
      return null;
    }
  }
}
