package io.driftline.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxGraphsTest {

  @Test
  void int64TensorStoresLittleEndianValues() {
    TensorProto tensor = OnnxGraphs.int64Tensor("shape", 2, -1);
    assertThat(tensor.getDataType()).isEqualTo(TensorProto.DataType.INT64_VALUE);
    assertThat(tensor.getDimsList()).containsExactly(2L);
    var longs = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    assertThat(longs.get(0)).isEqualTo(2L);
    assertThat(longs.get(1)).isEqualTo(-1L);
  }

  @Test
  void modelCarriesOpsetAndMetadataInOrder() {
    ModelProto model = OnnxGraphs.model(GraphProto.newBuilder().setName("g"), "p", "doc",
        Map.of("k", "v"));
    assertThat(model.getIrVersion()).isEqualTo(OnnxGraphs.IR_VERSION);
    assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(OnnxGraphs.OPSET);
    assertThat(model.getMetadataProps(0).getKey()).isEqualTo("k");
    assertThat(model.getMetadataProps(0).getValue()).isEqualTo("v");
  }
}
