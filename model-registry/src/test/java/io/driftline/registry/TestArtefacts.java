package io.driftline.registry;

import ai.onnx.proto.OnnxMl;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.SyntheticBundles;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Map;

/** Artefacts for tests: signed bundles (of a chosen size, or with a real prompt and adaptor) and ONNX files that are not students. */
public final class TestArtefacts {

  /** Feature width of {@code SyntheticStudents.nano}. */
  public static final int NANO_FEATURES = 64;

  private TestArtefacts() {}

  /** Returns a bundle file signed with {@code key}, padded through its lineage to about {@code padding} bytes. */
  public static byte[] bundle(String bundleId, long version, String student, int padding, PrivateKey key) {
    BundleMetadata metadata = new BundleMetadata(bundleId, version, student, "0".repeat(64),
        Instant.parse("2026-01-01T00:00:00Z"), Map.of("pad", "x".repeat(Math.max(0, padding)),
            "codeVersion", "test"));
    return BundleCodec.encode(Bundle.builder().setMetadata(metadata).build(), key);
  }

  /**
   * Returns a bundle with a real payload: a 7x7 visual prompt on one channel and one INT8 adaptor
   * (64 -> 16 -> 10 features, the nano student's width) for domain {@code fog} with its HDC prototype,
   * all drawn from {@code seed}, so bundles of different seeds differ in every weight.
   */
  public static Bundle adaptedBundle(String bundleId, long version, String student, long seed) {
    BundleMetadata metadata = new BundleMetadata(bundleId, version, student, "0".repeat(64),
        Instant.parse("2026-01-01T00:00:00Z"), Map.of("codeVersion", "test", "seed", Long.toString(seed)));
    return SyntheticBundles.random(metadata, NANO_FEATURES, 1024, seed);
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
