package io.driftline.core.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Small factories for ONNX protobuf pieces (tensors, nodes, attributes, value infos, models), so
 * every graph built in Java writes them the same way: float and int64 tensors as little-endian
 * {@code raw_data}, IR version {@value #IR_VERSION}, default-domain opset {@value #OPSET}.
 */
public final class OnnxGraphs {

  /** IR version of the models built here. */
  public static final int IR_VERSION = 8;
  /** Default-domain opset of the models built here. */
  public static final int OPSET = 13;

  private OnnxGraphs() {}

  /** Returns a float tensor holding {@code values} with shape {@code dims}, as little-endian raw data. */
  public static TensorProto floatTensor(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    TensorProto.Builder tensor = TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(raw.array()));
    for (long d : dims) {
      tensor.addDims(d);
    }
    return tensor.build();
  }

  /** Returns a one-dimensional int64 tensor holding {@code values}, as little-endian raw data. */
  public static TensorProto int64Tensor(String name, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(values.length)
        .setRawData(ByteString.copyFrom(raw.array()))
        .build();
  }

  /** Returns a node builder of operator {@code opType} with the given inputs and one output. */
  public static NodeProto.Builder node(String opType, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs).addOutput(output);
  }

  /** Returns an integer attribute. */
  public static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  /** Returns a float attribute. */
  public static AttributeProto floatAttribute(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  /** Returns an integer-list attribute. */
  public static AttributeProto intsAttribute(String name, long... values) {
    AttributeProto.Builder attribute = AttributeProto.newBuilder()
        .setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      attribute.addInts(v);
    }
    return attribute.build();
  }

  /** Returns a fixed dimension. */
  public static TensorShapeProto.Dimension dim(long value) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
  }

  /** Returns a symbolic dimension, such as the batch {@code N}. */
  public static TensorShapeProto.Dimension dim(String param) {
    return TensorShapeProto.Dimension.newBuilder().setDimParam(param).build();
  }

  /** Returns the value info of a float tensor with the given dimensions. */
  public static ValueInfoProto floatValueInfo(String name, TensorShapeProto.Dimension... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (TensorShapeProto.Dimension d : dims) {
      shape.addDim(d);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT_VALUE)
            .setShape(shape)))
        .build();
  }

  /**
   * Wraps a graph into a model with IR version {@value #IR_VERSION}, opset {@value #OPSET} and the
   * given metadata_props, in insertion order.
   */
  public static ModelProto model(GraphProto.Builder graph, String producer, String docString, Map<String, String> metadata) {
    ModelProto.Builder model = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName(producer)
        .setDocString(docString)
        .setGraph(graph);
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(entry.getKey()).setValue(entry.getValue()));
    }
    return model.build();
  }
}
