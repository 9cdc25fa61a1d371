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
import io.driftline.core.image.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small hand-made ONNX graphs whose outputs the tests compute independently. */
final class TestGraphs {

  static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  static final int INT64 = TensorProto.DataType.INT64_VALUE;

  private TestGraphs() {}

  /** A tensor value info; dims are Integer (fixed) or String (symbolic). */
  static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String param) {
        dim.setDimParam(param);
      } else {
        dim.setDimValue((Integer) d);
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  static TensorProto floats(String name, float[] values, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (float v : values) {
      t.addFloatData(v);
    }
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static NodeProto node(String opType, List<String> inputs, String output, AttributeProto... attributes) {
    return NodeProto.newBuilder().setOpType(opType).setName(output + "_node")
        .addAllInput(inputs).addOutput(output).addAllAttribute(List.of(attributes)).build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static ModelProto model(GraphProto.Builder graph, Map<String, String> metadata) {
    ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph.setName("test"));
    metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return model.build();
  }

  /**
   * features = Flatten(x) and logits = features · Wᵀ + b, for an input [batch, c, h, w] where batch
   * is an Integer or a String (symbolic).
   */
  static ModelProto linear(Object batch, int c, int h, int w, float[][] weights, float[] bias) {
    int k = weights.length;
    int f = c * h * w;
    float[] flat = new float[k * f];
    for (int i = 0; i < k; i++) {
      System.arraycopy(weights[i], 0, flat, i * f, f);
    }
    GraphProto.Builder graph = GraphProto.newBuilder()
        .addInput(valueInfo("x", FLOAT, batch, c, h, w))
        .addInitializer(floats("W", flat, k, f))
        .addInitializer(floats("b", bias, k))
        .addNode(node("Flatten", List.of("x"), "features", intAttribute("axis", 1)))
        .addNode(node("Gemm", List.of("features", "W", "b"), "logits", intAttribute("transB", 1)))
        .addOutput(valueInfo("features", FLOAT, batch, f))
        .addOutput(valueInfo("logits", FLOAT, batch, k));
    return model(graph, Map.of());
  }

  static float[][] randomMatrix(SplittableRandom random, int rows, int columns) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int j = 0; j < columns; j++) {
        row[j] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    return m;
  }

  static float[] randomVector(SplittableRandom random, int length) {
    return randomMatrix(random, 1, length)[0];
  }

  static Image randomImage(SplittableRandom random, int c, int h, int w) {
    float[] p = new float[c * h * w];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) random.nextDouble();
    }
    return new Image(c, h, w, p);
  }

  static List<Image> randomImages(SplittableRandom random, int count, int c, int h, int w) {
    List<Image> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(randomImage(random, c, h, w));
    }
    return out;
  }

  /** Computes W · f + b in double precision, independently of ONNX Runtime. */
  static double[] affine(float[][] weights, float[] bias, float[] features) {
    double[] out = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      double sum = bias[i];
      for (int j = 0; j < features.length; j++) {
        sum += (double) weights[i][j] * features[j];
      }
      out[i] = sum;
    }
    return out;
  }
}
