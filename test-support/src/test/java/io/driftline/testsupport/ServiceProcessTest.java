package io.driftline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts {@link FakeService} from a jar in a child JVM: test-support is built before any service,
 * so no service jar is there to start; {@code RegistryUpdateTest} in device-agent runs the real registry.
 */
class ServiceProcessTest {

  @TempDir
  static Path dir;
  static Path jar;

  /** A jar that runs {@link FakeService} from this module's test classes. */
  @BeforeAll
  static void fakeJar() throws Exception {
    Path classes = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
    jar = dir.resolve("fake-service-1.0.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // the manifest is the whole jar
    }
  }

  @Test
  void jarOfAnUnbuiltModuleNamesWhereItLooked() {
    assertThatThrownBy(() -> ServiceProcess.jar("no-such-service"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no no-such-service-<version>.jar on java.class.path")
        .hasMessageContaining(Path.of("no-such-service", "target").toString())
        .hasMessageContaining("package");
  }

  @Test
  void startOfAnUnbuiltModuleFailsBeforeStartingAnything() {
    assertThatThrownBy(() -> ServiceProcess.start("no-such-service", List.of(), List.of(), ServiceProcess.freePort(),
        dir.resolve("never.log"), Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no-such-service");
    assertThat(dir.resolve("never.log")).doesNotExist();
  }

  @Test
  void freePortIsFreeToBind() throws Exception {
    int port = ServiceProcess.freePort();

    assertThat(port).isBetween(1, 65535);
    try (ServerSocket socket = new ServerSocket(port)) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aServiceThatExitsFailsTheStartWithItsLogTail() {
    Path log = dir.resolve("exit.log");

    assertThatThrownBy(() -> ServiceProcess.start("fake-service", jar, List.of(), List.of("exit"),
        ServiceProcess.freePort(), log, Duration.ofSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("boom: no database configured");
  }

  @Test
  void aServiceThatNeverGetsHealthyIsKilledAtTheTimeout() throws Exception {
    Path log = dir.resolve("silent.log");

    assertThatThrownBy(() -> ServiceProcess.start("fake-service", jar, List.of(), List.of("silent"),
        ServiceProcess.freePort(), log, Duration.ofSeconds(3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not answer 200 on /actuator/health")
        .hasMessageContaining("args=[silent");
    long pid = Files.readAllLines(log).stream().filter(line -> line.startsWith("pid="))
        .mapToLong(line -> Long.parseLong(line.substring(4))).findFirst().orElseThrow();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("child killed").isFalse();
  }

  @Test
  void startWaitsForHealthAndCloseStopsInOrder() throws Exception {
    Path log = dir.resolve("healthy.log");
    int port = ServiceProcess.freePort();
    long pid;

    try (ServiceProcess service = ServiceProcess.start("fake-service", jar, List.of("-Dfake.flag=on"),
        List.of("healthy", "--x=1"), port, log, Duration.ofSeconds(60))) {
      pid = service.pid();
      assertThat(service.port()).isEqualTo(port);
      assertThat(service.url()).isEqualTo("http://127.0.0.1:" + port);
      assertThat(HttpProbe.get(port, "/actuator/health").statusCode()).isEqualTo(200);
      assertThat(Files.readString(log)).contains("args=[healthy, --x=1, --server.port=" + port + "] flag=on");
    }

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.readString(log)).contains("stopped in order");
  }

  @Test
  void killEndsTheServiceWithoutItsShutdownHooks() throws Exception {
    Path log = dir.resolve("killed.log");
    ServiceProcess service = ServiceProcess.start("fake-service", jar, List.of(), List.of("healthy"),
        ServiceProcess.freePort(), log, Duration.ofSeconds(60));

    service.kill();

    assertThat(service.isAlive()).isFalse();
    assertThat(ProcessHandle.of(service.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.readString(log)).doesNotContain("stopped in order");
    service.close();
  }
}
