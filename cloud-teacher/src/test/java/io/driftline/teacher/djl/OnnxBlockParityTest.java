package io.driftline.teacher.djl;

import static io.driftline.core.model.OnnxGraphs.dim;
import static io.driftline.core.model.OnnxGraphs.floatAttribute;
import static io.driftline.core.model.OnnxGraphs.floatTensor;
import static io.driftline.core.model.OnnxGraphs.floatValueInfo;
import static io.driftline.core.model.OnnxGraphs.int64Tensor;
import static io.driftline.core.model.OnnxGraphs.intAttribute;
import static io.driftline.core.model.OnnxGraphs.intsAttribute;
import static io.driftline.core.model.OnnxGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.driftline.core.model.OnnxGraphs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Each supported operator gives the same numbers in ONNX Runtime and in the DJL import (to 1e-4). */
class OnnxBlockParityTest {

  private static final long[] X = {2, 3, 6, 6};

  static Stream<Arguments> operators() {
    return Stream.of(
        op("Conv", X, new long[] {2, 4, 6, 6}, g -> g
            .addInitializer(random("w", 4, 3, 3, 3)).addInitializer(random("b", 4))
            .addNode(node("Conv", "conv", List.of("x", "w", "b"), "y")
                .addAttribute(intsAttribute("kernel_shape", 3, 3)).addAttribute(intsAttribute("pads", 1, 1, 1, 1)))),
        op("Conv strided grouped no bias", X, new long[] {2, 6, 2, 2}, g -> g
            .addInitializer(random("w", 6, 1, 3, 3))
            .addNode(node("Conv", "conv", List.of("x", "w"), "y")
                .addAttribute(intsAttribute("strides", 2, 2)).addAttribute(intAttribute("group", 3)))),
        op("Gemm", new long[] {4, 5}, new long[] {4, 3}, g -> g
            .addInitializer(random("w", 3, 5)).addInitializer(random("b", 3))
            .addNode(node("Gemm", "gemm", List.of("x", "w", "b"), "y").addAttribute(intAttribute("transB", 1))
                .addAttribute(floatAttribute("alpha", 0.5f)).addAttribute(floatAttribute("beta", 2f)))),
        op("MatMul", new long[] {4, 5}, new long[] {4, 3}, g -> g
            .addInitializer(random("w", 5, 3)).addNode(node("MatMul", "mm", List.of("x", "w"), "y"))),
        op("Add", X, X, g -> g.addInitializer(random("c", 3, 1, 1)).addNode(node("Add", "add", List.of("x", "c"), "y"))),
        op("Sub", X, X, g -> g.addInitializer(random("c", 6)).addNode(node("Sub", "sub", List.of("x", "c"), "y"))),
        op("Mul", X, X, g -> g.addInitializer(random("c", 3, 6, 6)).addNode(node("Mul", "mul", List.of("x", "c"), "y"))),
        op("Relu", X, X, g -> g.addNode(node("Relu", "relu", List.of("x"), "y"))),
        op("LeakyRelu", X, X, g -> g.addNode(node("LeakyRelu", "lrelu", List.of("x"), "y")
            .addAttribute(floatAttribute("alpha", 0.2f)))),
        op("Sigmoid", X, X, g -> g.addNode(node("Sigmoid", "sigmoid", List.of("x"), "y"))),
        op("Tanh", X, X, g -> g.addNode(node("Tanh", "tanh", List.of("x"), "y"))),
        op("Clip", X, X, g -> g
            .addInitializer(floatTensor("lo", new float[] {-0.3f})).addInitializer(floatTensor("hi", new float[] {0.6f}))
            .addNode(node("Clip", "clip", List.of("x", "lo", "hi"), "y"))),
        op("MaxPool", X, new long[] {2, 3, 3, 3}, g -> g.addNode(node("MaxPool", "pool", List.of("x"), "y")
            .addAttribute(intsAttribute("kernel_shape", 2, 2)).addAttribute(intsAttribute("strides", 2, 2)))),
        op("AveragePool", X, X, g -> g.addNode(node("AveragePool", "pool", List.of("x"), "y")
            .addAttribute(intsAttribute("kernel_shape", 3, 3)).addAttribute(intsAttribute("pads", 1, 1, 1, 1)))),
        op("GlobalAveragePool", X, new long[] {2, 3, 1, 1}, g -> g.addNode(node("GlobalAveragePool", "gap", List.of("x"), "y"))),
        op("BatchNormalization", X, X, g -> g
            .addInitializer(random("s", 3)).addInitializer(random("bb", 3)).addInitializer(random("m", 3))
            .addInitializer(floatTensor("v", new float[] {0.5f, 1.5f, 2f}, 3))
            .addNode(node("BatchNormalization", "bn", List.of("x", "s", "bb", "m", "v"), "y")
                .addAttribute(floatAttribute("epsilon", 1e-3f)))),
        op("Flatten", X, new long[] {2, 108}, g -> g.addNode(node("Flatten", "flat", List.of("x"), "y"))),
        op("Reshape", X, new long[] {6, 36}, g -> g.addInitializer(int64Tensor("shape", 0, -1, 36))
            .addNode(node("Reshape", "reshape", List.of("x", "shape"), "r"))
            .addNode(node("Reshape", "reshape2", List.of("r", "shape2"), "y"))
            .addInitializer(int64Tensor("shape2", 6, 36))),
        op("Concat", X, new long[] {2, 5, 6, 6}, g -> g.addInitializer(random("c", 2, 2, 6, 6))
            .addNode(node("Concat", "cat", List.of("x", "c"), "y").addAttribute(intAttribute("axis", 1)))),
        op("Softmax", X, X, g -> g.addNode(node("Softmax", "softmax", List.of("x"), "y").addAttribute(intAttribute("axis", 1)))),
        op("Dropout", X, X, g -> g.addInitializer(floatTensor("ratio", new float[] {0.3f}))
            .addNode(node("Dropout", "drop", List.of("x", "ratio"), "y"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operators")
  void djlAgreesWithOnnxRuntime(String name, ModelProto model, long[] inputShape, long[] outputShape) {
    float[] input = values(new SplittableRandom(name.hashCode()), (int) new Shape(inputShape).size());
    float[] expected = OrtRunner.run(model, "x", input, inputShape).get("y");
    try (ImportedModel imported = ImportedModel.of(model);
        NDManager manager = NDManager.newBaseManager(DjlEngines.ENGINE)) {
      NDArray out = imported.predict(new NDList(manager.create(input, new Shape(inputShape)))).head();
      assertThat(out.getShape().getShape()).containsExactly(outputShape);
      float[] actual = out.toFloatArray();
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).as("%s value %d", name, i).isCloseTo(expected[i], within(1e-4f));
      }
    }
  }

  @Test
  void unsupportedOperatorIsReportedByName() {
    ModelProto model = model(X, X, g -> g.addNode(node("Erf", "erf1", List.of("x"), "y")));
    assertThatThrownBy(() -> ImportedModel.of(model))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("Erf").hasMessageContaining("erf1")
        .satisfies(e -> assertThat(((UnsupportedOperatorException) e).operator()).isEqualTo("Erf"));
  }

  @Test
  void unsupportedOptionIsReportedNotApproximated() {
    ModelProto model = model(X, X, g -> g.addNode(node("MaxPool", "pool", List.of("x"), "y")
        .addAttribute(intsAttribute("kernel_shape", 2, 2)).addAttribute(intsAttribute("pads", 0, 0, 1, 1))));
    assertThatThrownBy(() -> ImportedModel.of(model))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("MaxPool").hasMessageContaining("asymmetric pads");
  }

  private static Arguments op(String name, long[] in, long[] out, UnaryOperator<GraphProto.Builder> body) {
    return Arguments.of(name, model(in, out, body), in, out);
  }

  static ModelProto model(long[] in, long[] out, UnaryOperator<GraphProto.Builder> body) {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("op")
        .addInput(floatValueInfo("x", dims(in)))
        .addOutput(floatValueInfo("y", dims(out)));
    return OnnxGraphs.model(body.apply(graph), "test", "", Map.of());
  }

  private static ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension[] dims(long[] shape) {
    List<ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension> dims = new ArrayList<>();
    for (long d : shape) {
      dims.add(dim(d));
    }
    return dims.toArray(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension[]::new);
  }

  private static TensorProto random(String name, long... shape) {
    return floatTensor(name, values(new SplittableRandom(name.hashCode() * 31L + shape.length),
        (int) new Shape(shape).size()), shape);
  }

  private static float[] values(SplittableRandom random, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

}
