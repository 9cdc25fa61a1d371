package io.driftline.registry;

import ai.onnx.proto.OnnxMl;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Map;

/** Artefacts for tests: signed bundles of a chosen size and ONNX files that are not students. */
public final class TestArtefacts {

  private TestArtefacts() {}

  /** Returns a bundle file signed with {@code key}, padded through its lineage to about {@code padding} bytes. */
  public static byte[] bundle(String bundleId, long version, String student, int padding, PrivateKey key) {
    BundleMetadata metadata = new BundleMetadata(bundleId, version, student, "0".repeat(64),
        Instant.parse("2026-01-01T00:00:00Z"), Map.of("pad", "x".repeat(Math.max(0, padding)),
            "codeVersion", "test"));
    return BundleCodec.encode(Bundle.builder().setMetadata(metadata).build(), key);
  }

  /** Returns a valid ONNX model (one Identity node) that lacks the student signature. */
  public static byte[] identityOnnx() {
    OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
        .setShape(OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
    OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("identity")
        .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
        .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
        .build();
    return OnnxMl.ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph).build().toByteArray();
  }
}
