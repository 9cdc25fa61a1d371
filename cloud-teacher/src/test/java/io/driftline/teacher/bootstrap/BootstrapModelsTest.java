package io.driftline.teacher.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.model.StudentModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The quick bootstrap on Fashion-MNIST writes loadable models with complete cards. */
class BootstrapModelsTest {

  @TempDir
  static Path output;

  static String log;
  static int status;

  @BeforeAll
  static void bootstrapQuick() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    status = BootstrapModels.run(new String[] {"--quick", "--out", output.toString(), "--seed", "3"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    log = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    System.out.println(log);
  }

  @Test
  void writesAnOnnxFileAndACardPerModel() throws Exception {
    assertThat(status).as(log).isZero();
    for (String id : new String[] {"student-nano", "student-small", "teacher"}) {
      Path onnx = output.resolve(id + ".onnx");
      byte[] bytes = Files.readAllBytes(onnx);
      JsonNode card = new JsonMapper().readTree(Files.readString(output.resolve(id + ModelBootstrap.CARD_SUFFIX)));
      assertThat(card.get("name").asString()).isEqualTo(id);
      assertThat(card.get("sha256").asString()).isEqualTo(
          HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
      assertThat(card.get("parameters").asLong()).isPositive();
      assertThat(card.get("flops").asLong()).isEqualTo(2 * card.get("macs").asLong());
      assertThat(card.get("weightBytes").asLong()).isPositive();
      assertThat(card.get("training").get("seed").asLong()).isEqualTo(3);
      assertThat(card.get("training").get("profile").asString()).isEqualTo("quick");
      assertThat(card.get("training").get("data").asString()).contains("train-images");
      assertThat(card.get("codeVersion").asString()).isNotBlank();
      JsonNode evaluation = card.get("evaluation");
      assertThat(evaluation.get("clean").asDouble()).isBetween(0.3, 1.0);
      assertThat(evaluation.get("perFamily").get("3").size()).isEqualTo(15);
      assertThat(evaluation.get("perFamily").get("5").get("gaussian-noise").asDouble()).isBetween(0.0, 1.0);
      try (StudentModel student = StudentModel.load(onnx)) {
        assertThat(student.numClasses()).isEqualTo(10);
        assertThat(student.description().classNames()).contains("Sneaker");
        assertThat(student.featureDimension()).isEqualTo(card.get("featureDimension").asInt());
      }
    }
  }

  @Test
  void onlyTheTeacherIsAugmentedAndSomeFamiliesStayUnseen() throws Exception {
    JsonNode teacher = new JsonMapper().readTree(Files.readString(output.resolve("teacher" + ModelBootstrap.CARD_SUFFIX)));
    JsonNode small = new JsonMapper().readTree(Files.readString(output.resolve("student-small" + ModelBootstrap.CARD_SUFFIX)));
    assertThat(teacher.get("training").get("augmentationFamilies").size()).isEqualTo(BootstrapProfile.TEACHER_AUGMENTATION.size());
    assertThat(teacher.get("training").get("unseenFamilies").size()).isEqualTo(15 - BootstrapProfile.TEACHER_AUGMENTATION.size()).isPositive();
    assertThat(small.get("training").get("augmentationFamilies").size()).isZero();
  }

  @Test
  void progressLinesCarryEpochLossRateAndEta() {
    assertThat(log).containsPattern("teacher epoch 2/2 batch \\d+/\\d+ loss \\d+\\.\\d{4} \\d+ samples/s ETA \\d+:\\d{2}");
  }

  @Test
  void badArgumentsGiveOneLineAndStatusTwo() {
    for (String[] args : new String[][] {
        {"--models", "resnet"}, {"--seed", "x"}, {"--bogus"}, {"--out"}, {"--idx", "/nonexistent-folder"},
        {"--train-folder", "."}, {"--threads", "0"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = BootstrapModels.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
      String message = err.toString(StandardCharsets.UTF_8);
      assertThat(code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(message).startsWith("bootstrap-models: ").doesNotContain("Exception");
      assertThat(message.strip().lines().count()).isEqualTo(1);
    }
  }
}
