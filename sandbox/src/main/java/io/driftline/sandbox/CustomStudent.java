package io.driftline.sandbox;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.driftline.core.model.Preprocessing;
import io.driftline.core.model.StudentModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A student of the user's own ({@code --student FILE.onnx}): checked to load as a Driftline
 * student, given the preprocessing of {@code --preprocessing} (written into a copy's ONNX
 * metadata, so devices, teacher and registry all read the same normalisation), and registered as
 * {@value #NAME}.
 */
final class CustomStudent {

  static final String NAME = "custom-student";

  private CustomStudent() {}

  /**
   * Parses {@code scale=255;mean=123.7,116.3,103.5;std=58.4,57.1,57.4} (keys in any order, each
   * optional; one value or one per channel).
   *
   * @throws SandboxOptions.UsageException naming what is wrong
   */
  static Preprocessing parse(String spec) {
    float scale = 1f;
    float[] mean = {0f};
    float[] std = {1f};
    for (String part : spec.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new SandboxOptions.UsageException("--preprocessing: '" + part + "' is not key=value (keys: scale, mean, std)");
      }
      String key = part.substring(0, eq).trim();
      float[] values = numbers(part.substring(eq + 1), key);
      switch (key) {
        case "scale" -> {
          if (values.length != 1) {
            throw new SandboxOptions.UsageException("--preprocessing: scale takes one number");
          }
          scale = values[0];
        }
        case "mean" -> mean = values;
        case "std" -> std = values;
        default -> throw new SandboxOptions.UsageException("--preprocessing: unknown key '" + key
            + "' (keys: scale, mean, std)");
      }
    }
    try {
      return new Preprocessing(scale, mean, std);
    } catch (IllegalArgumentException e) {
      throw new SandboxOptions.UsageException("--preprocessing: " + e.getMessage());
    }
  }

  private static float[] numbers(String text, String key) {
    String[] parts = text.split(",");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new SandboxOptions.UsageException("--preprocessing: " + key + " value '" + parts[i].trim()
            + "' is not a number");
      }
    }
    return out;
  }

  /**
   * Copies the student into {@code dir} (with the preprocessing in its metadata if given) and
   * checks that it loads as a student.
   *
   * @return the copy to run and register
   */
  static Path prepare(Path onnx, @Nullable String preprocessing, Path dir) throws IOException {
    byte[] bytes = Files.readAllBytes(onnx);
    if (preprocessing != null) {
      Map<String, String> metadata = parse(preprocessing).toMetadata();
      ModelProto model;
      try {
        model = ModelProto.parseFrom(bytes);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new SandboxOptions.UsageException("--student " + onnx + " is not an ONNX model: " + e.getMessage());
      }
      ModelProto.Builder b = model.toBuilder().clearMetadataProps();
      for (StringStringEntryProto p : model.getMetadataPropsList()) {
        if (!metadata.containsKey(p.getKey())) {
          b.addMetadataProps(p);
        }
      }
      metadata.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
      bytes = b.build().toByteArray();
    }
    Files.createDirectories(dir);
    Path copy = dir.resolve(NAME + ".onnx");
    Files.write(copy, bytes);
    try (StudentModel student = StudentModel.builder().setModel(copy).build()) {
      return copy;
    } catch (RuntimeException e) {
      throw new SandboxOptions.UsageException("--student " + onnx + " cannot run as a Driftline student: "
          + e.getMessage());
    }
  }
}
