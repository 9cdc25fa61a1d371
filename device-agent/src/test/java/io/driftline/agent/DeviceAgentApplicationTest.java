package io.driftline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.agent.status.StatusCommand;
import io.driftline.core.image.ImageOps;
import io.driftline.testsupport.HttpProbe;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The daemon as one Spring Boot app: health and the agent endpoint on the management port, the status command. */
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeviceAgentApplicationTest {

  static final Path DIR = tempDir();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    Files.createDirectories(DIR.resolve("frames"));
    registry.add("management.server.port", () -> "0");
    registry.add("driftline.agent.kafka-bootstrap", KafkaTestBroker::bootstrap);
    registry.add("driftline.agent.device-id", () -> "app-test-device");
    registry.add("driftline.agent.data-dir", () -> DIR.resolve("data").toString());
    registry.add("driftline.agent.student.model", () -> AgentFixtures.nanoStudent(DIR).toString());
    registry.add("driftline.agent.source.type", () -> "folder");
    registry.add("driftline.agent.source.path", () -> DIR.resolve("frames").toString());
    registry.add("driftline.agent.source.poll-interval", () -> "50ms");
  }

  @Value("${local.management.port}")
  int managementPort;

  @Autowired
  DeviceAgent agent;

  @Test
  void servesHealthAndStatusOnTheManagementPortAndTheStatusCommandReadsIt() throws Exception {
    try (OutputStream out = Files.newOutputStream(DIR.resolve("frames").resolve("a.png"))) {
      ImageOps.writePng(AgentFixtures.frame(new SplittableRandom(3)), out);
    }
    await().atMost(Duration.ofSeconds(60)).alias("frame from the watched folder").until(() -> agent.frames() == 1);

    HttpResponse<String> health = HttpProbe.get(managementPort, "/actuator/health");
    HttpResponse<String> status = HttpProbe.get(managementPort, "/actuator/agent");
    HttpResponse<String> metrics = HttpProbe.get(managementPort, "/actuator/prometheus");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(status.body()).contains("\"deviceId\":\"app-test-device\"").contains("\"frames\":1");
    assertThat(metrics.body()).contains("driftline_agent_frames_total").contains("driftline_agent_queue_records");

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      printed.reset();
      StatusCommand.run(new String[] {"status", "--data-dir=" + DIR.resolve("data")},
          new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);
      return printed.toString(StandardCharsets.UTF_8).contains("1 (");
    });
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("app-test-device").contains("none (bare student)").contains("offline queue");
  }

  @Test
  void theStatusCommandFailsWithOneLineWithoutAStatusFile() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = StatusCommand.run(new String[] {"status", "--data-dir=" + DIR.resolve("nothing-here")},
        System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no status file").hasLineCount(1);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("agent-app-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
