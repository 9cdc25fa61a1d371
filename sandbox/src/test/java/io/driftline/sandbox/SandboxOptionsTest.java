package io.driftline.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxOptionsTest {

  @Test
  void defaultsDescribeTheStandardSandbox() {
    SandboxOptions o = SandboxOptions.parse(new String[0], Map.of());
    assertThat(o).isNotNull();
    assertThat(o.devices()).isEqualTo(12);
    assertThat(o.scenario()).isNull();
    assertThat(o.models()).isEqualTo(Path.of("models"));
    assertThat(o.out()).isEqualTo(Path.of("sandbox-run"));
    assertThat(o.framesPerSecond()).isEqualTo(25);
    assertThat(o.windowFrames()).isEqualTo(25);
    assertThat(o.exitWhenDone()).isFalse();
    assertThat(o.attach()).isFalse();
  }

  @Test
  void readsBothOptionFormsAndTheCommandLineBeatsTheEnvironment() {
    SandboxOptions o = SandboxOptions.parse(new String[] {"--devices", "7", "--fps=10", "--exit"},
        Map.of("DRIFTLINE_SANDBOX_DEVICES", "3", "DRIFTLINE_SANDBOX_WINDOW_FRAMES", "40",
            "DRIFTLINE_SANDBOX_QUICK_MODELS", "true"));
    assertThat(o.devices()).isEqualTo(7);
    assertThat(o.framesPerSecond()).isEqualTo(10);
    assertThat(o.windowFrames()).isEqualTo(40);
    assertThat(o.quickModels()).isTrue();
    assertThat(o.exitWhenDone()).isTrue();
  }

  @Test
  void aDatasetGetsAModelsFolderOfItsOwn(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("kmnist"));
    assertThat(SandboxOptions.parse(new String[] {"--dataset", data.toString()}, Map.of()).models())
        .isEqualTo(Path.of("models", "kmnist"));
    assertThat(SandboxOptions.parse(new String[] {"--dataset", data.toString(), "--models", "m"}, Map.of()).models())
        .isEqualTo(Path.of("m"));
  }

  @Test
  void theScaleRunIsOffByDefaultAndTakesItsFleetSizeAndLength() {
    SandboxOptions off = SandboxOptions.parse(new String[0], Map.of());
    assertThat(off.scale()).isZero();
    assertThat(off.scaleSeconds()).isEqualTo(240);
    SandboxOptions on = SandboxOptions.parse(new String[] {"--scale", "1000", "--scale-seconds=90"}, Map.of());
    assertThat(on.scale()).isEqualTo(1000);
    assertThat(on.scaleSeconds()).isEqualTo(90);
    assertBad(new String[] {"--scale", "-1"}, "--scale must be 0..10000, was -1");
    assertBad(new String[] {"--scale", "5", "--scale-seconds", "3"}, "--scale-seconds must be 10..86400, was 3");
    assertThat(SandboxOptions.USAGE).contains("--scale N", "--scale-seconds S");
  }

  @Test
  void helpReturnsNothingToRun() {
    assertThat(SandboxOptions.parse(new String[] {"--help"}, Map.of())).isNull();
    assertThat(SandboxOptions.USAGE).contains("--devices", "--scenario", "--dataset", "--student", "--attach");
  }

  @Test
  void badInputGetsOneClearLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("s.yaml"), "name: x");
    assertBad(new String[] {"--devices", "0"}, "--devices must be 1..1000, was 0");
    assertBad(new String[] {"--devices", "many"}, "--devices must be a whole number, was 'many'");
    assertBad(new String[] {"--devices"}, "--devices needs a value");
    assertBad(new String[] {"--colour", "red"}, "unknown option --colour");
    assertBad(new String[] {"fleet"}, "unexpected argument 'fleet'");
    assertBad(new String[] {"--scenario", dir.resolve("missing.yaml").toString()}, "is not a readable file");
    assertBad(new String[] {"--dataset", file.toString()}, "is not a folder");
    assertBad(new String[] {"--preprocessing", "scale=255"}, "--preprocessing needs --student");
    assertBad(new String[] {"--postgres-url", "postgres://x"}, "must be a jdbc:postgresql: URL");
    assertBad(new String[] {"--attach", "--kafka", "k:9092"}, "--attach needs --registry-url");
    assertBad(new String[] {"--exit=perhaps"}, "--exit takes true or false");
    assertBad(new String[] {"--embedded-postgres", "--postgres-url", "jdbc:postgresql://h/db"}, "exclude each other");
    assertBad(new String[] {"--services", file.toString()}, "--services " + file + " is not a folder");
    assertThatThrownBy(() -> SandboxOptions.parse(new String[0], Map.of("DRIFTLINE_SANDBOX_FPS", "fast")))
        .hasMessage("--fps must be a number, was 'fast'");
  }

  @Test
  void attachModeNeedsEveryServiceAndTakesThemFromTheEnvironment() {
    SandboxOptions o = SandboxOptions.parse(new String[] {"--attach"}, Map.of(
        "DRIFTLINE_SANDBOX_KAFKA", "kafka:9092",
        "DRIFTLINE_SANDBOX_REGISTRY_URL", "http://model-registry:8084",
        "DRIFTLINE_SANDBOX_CATALOG_URL", "http://semantic-catalog:8085",
        "DRIFTLINE_SANDBOX_TEACHER_URL", "http://cloud-teacher:8081",
        "DRIFTLINE_SANDBOX_ADMIN_TOKEN", "a",
        "DRIFTLINE_SANDBOX_TEACHER_TOKEN", "t"));
    assertThat(o.attach()).isTrue();
    assertThat(o.registryUrl()).isEqualTo("http://model-registry:8084");
    assertThatThrownBy(() -> SandboxOptions.parse(new String[] {"--attach", "--registry-url", "model-registry:8084"},
        Map.of())).hasMessageContaining("--attach needs --kafka");
  }

  private static void assertBad(String[] args, String message) {
    assertThatThrownBy(() -> SandboxOptions.parse(args, Map.of()))
        .isInstanceOf(SandboxOptions.UsageException.class).hasMessageContaining(message);
  }
}
