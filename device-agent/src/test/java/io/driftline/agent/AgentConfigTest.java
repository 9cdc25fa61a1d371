package io.driftline.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Bad configuration stops the agent at startup with a message naming the setting. */
class AgentConfigTest {

  @TempDir
  Path dir;

  private void start(String... properties) {
    new SpringApplicationBuilder(DeviceAgentApplication.class)
        .properties("server.port=0", "management.server.port=0", "driftline.agent.data-dir=" + dir)
        .properties(properties)
        .run()
        .close();
  }

  @Test
  void anOutOfRangeBudgetNamesTheProperty() {
    assertThatThrownBy(() -> start("driftline.agent.device-id=d1", "driftline.agent.upload.max-frame-fraction=1.5"))
        .hasStackTraceContaining("driftline.agent.upload.max-frame-fraction must be in [0,1], was 1.5");
  }

  @Test
  void anUnknownSourceTypeListsTheKnownOnes() {
    assertThatThrownBy(() -> start("driftline.agent.device-id=d1", "driftline.agent.source.type=camera"))
        .hasStackTraceContaining("driftline.agent.source.type must be one of scenario, folder, idx; was 'camera'");
  }

  @Test
  void noRegistryAndNoDeviceIdIsRefused() {
    assertThatThrownBy(() -> start())
        .hasStackTraceContaining("driftline.agent.device-id is required when driftline.agent.registry.url is empty");
  }

  @Test
  void aMissingStudentFileIsNamed() {
    assertThatThrownBy(() -> start("driftline.agent.device-id=d1",
        "driftline.agent.student.model=" + dir.resolve("missing.onnx")))
        .hasStackTraceContaining("driftline.agent.student.model must name an ONNX student file")
        .hasStackTraceContaining("missing.onnx does not exist");
  }
}
