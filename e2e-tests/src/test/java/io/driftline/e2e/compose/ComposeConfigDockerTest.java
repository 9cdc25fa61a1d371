package io.driftline.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Where a Docker engine and the Compose plugin run, Docker Compose itself accepts the file with
 * every profile and the variables of .env.example; elsewhere this test is skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeConfigDockerTest {

  @Test
  void dockerComposeAcceptsTheFileWithEveryProfile() throws Exception {
    Path root = Repository.root();
    assumeTrue(exitCode(root, "docker", "compose", "version") == 0, "the docker compose plugin is not installed");
    Process config = new ProcessBuilder("docker", "compose", "--env-file", ".env.example", "-f", "docker-compose.yml",
        "--profile", "demo", "--profile", "device", "config", "--quiet")
        .directory(root.toFile()).redirectErrorStream(true).start();
    String output = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(config.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(config.exitValue()).as(output).isZero();
  }

  private static int exitCode(Path dir, String... command) throws Exception {
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
