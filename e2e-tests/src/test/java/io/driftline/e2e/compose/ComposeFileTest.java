package io.driftline.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The repository's docker-compose.yml passes every static check (docs/deployment.md). */
class ComposeFileTest {

  private static ComposeChecks checks;

  @BeforeAll
  static void read() {
    Path root = Repository.root();
    checks = new ComposeChecks(ComposeFile.read(root, root.resolve("docker-compose.yml"), root.resolve(".env.example")));
  }

  @Test
  void everyServiceOfTheSystemIsThereAndEveryServiceModuleIsDeployed() {
    assertThat(checks.systemServices()).isEmpty();
  }

  @Test
  void everyBuildHasItsContextAndDockerfileAndRunsTheJarOfAModule() {
    assertThat(checks.builds()).isEmpty();
  }

  @Test
  void everyLongRunningServiceHasAHealthCheckOnItsActuator() {
    assertThat(checks.healthChecks()).isEmpty();
  }

  @Test
  void publishedPortsAreTheConfiguredServerPorts() {
    assertThat(checks.ports()).isEmpty();
  }

  @Test
  void servicesWaitForWhatTheyUseWithConditionsThatExist() {
    assertThat(checks.dependencies()).isEmpty();
  }

  @Test
  void kafkaRunsInKraftModeWithoutZookeeper() {
    assertThat(checks.kafkaKraft()).isEmpty();
  }

  @Test
  void everyEnvironmentVariableSetsAPropertyTheServiceReads() {
    assertThat(checks.environment()).isEmpty();
  }

  @Test
  void everyVolumeIsDeclaredAndEveryBindMountExists() {
    assertThat(checks.volumes()).isEmpty();
  }

  @Test
  void theDemoSandboxUsesOnlyAttachModeOptions() {
    assertThat(checks.sandbox()).isEmpty();
  }

  @Test
  void everyVariableWithoutDefaultIsInTheEnvExample() {
    assertThat(checks.variables()).isEmpty();
  }

  @Test
  void theDeploymentDocumentNamesEveryVariableOfTheEnvExample() throws Exception {
    Path root = Repository.root();
    String doc = Files.readString(root.resolve("docs/deployment.md"));
    ComposeFile compose = ComposeFile.read(root, root.resolve("docker-compose.yml"), root.resolve(".env.example"));
    assertThat(compose.envFile().keySet()).allSatisfy(name -> assertThat(doc).contains("`" + name + "`"));
  }
}
