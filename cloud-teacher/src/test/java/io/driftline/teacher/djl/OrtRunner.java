package io.driftline.teacher.djl;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs an ONNX model in ONNX Runtime on one float input and returns every graph output flattened. */
final class OrtRunner {

  private OrtRunner() {}

  static Map<String, float[]> run(ModelProto model, String inputName, float[] input, long... shape) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(model.toByteArray(), options);
        OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
      Map<String, float[]> outputs = new LinkedHashMap<>();
      for (Map.Entry<String, ai.onnxruntime.OnnxValue> entry : result) {
        FloatBuffer buffer = ((OnnxTensor) entry.getValue()).getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        outputs.put(entry.getKey(), values);
      }
      return outputs;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }
}
