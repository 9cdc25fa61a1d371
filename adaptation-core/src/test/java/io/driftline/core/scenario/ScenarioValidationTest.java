package io.driftline.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rejected field is named by its path, and the message says what is wrong. */
class ScenarioValidationTest {

  private static final String HEAD = "name: v\nseed: 7\n";

  private record Case(String yaml, String path, String problem) {}

  private static Case seg(String segments, String path, String problem) {
    return new Case(HEAD + "segments:\n" + segments, path, problem);
  }

  private static final String OK = "  - {id: a, family: clean, length: 5}\n";

  private static final List<Case> CASES = List.of(
      seg(OK + "  - {id: b, family: brightness, severity: 2, length: 5}\n"
          + "  - {id: c, family: foggy, severity: 2, length: 5}\n",
          "segments[2].family", "unknown corruption family 'foggy' (known: clean, gaussian-noise, shot-noise,"),
      seg("  - {family: contrast, severity: 7, length: 5}\n", "segments[0].severity", "must be 1..5, got 7"),
      seg("  - {family: contrast, severity: 0, length: 5}\n", "segments[0].severity", "must be 1..5, got 0"),
      seg("  - {family: contrast, length: 5}\n", "segments[0].severity", "is required for family 'contrast'"),
      seg("  - {family: contrast, severity: three, length: 5}\n", "segments[0].severity", "must be an integer, got 'three'"),
      seg("  - {family: clean, severity: 3, length: 5}\n", "segments[0].severity", "clean segment has no severity"),
      seg("  - {severity: 3, length: 5}\n", "segments[0].family", "is required"),
      new Case(HEAD + "segments: []\n", "segments", "stream is empty"),
      new Case(HEAD, "segments", "stream is empty"),
      new Case(HEAD + "segments: {a: 1}\n", "segments", "must be a list"),
      seg(OK + "  - {family: brightness, severity: 1, length: -3}\n", "segments[1].length", "must be a positive number of frames, got -3"),
      seg(OK + "  - {family: brightness, severity: 1, length: 0}\n", "segments[1].length", "got 0"),
      seg(OK + "  - {family: brightness, severity: 1}\n", "segments[1].length", "is required"),
      seg(OK + "  - {family: brightness, severity: 1, length: 2.5}\n", "segments[1].length", "must be an integer, got 2.5"),
      seg(OK + "  - {family: brightness, severity: 1, length: 5, transition: 6}\n", "segments[1].transition", "must be 0..5"),
      seg(OK + "  - {family: brightness, severity: 1, length: 5, transition: -1}\n", "segments[1].transition", "got -1"),
      seg("  - {family: brightness, severity: 1, length: 5, transition: 2}\n", "segments[0].transition", "no previous domain"),
      seg(OK + "  - {id: a, family: brightness, severity: 1, length: 5}\n", "segments[1].id", "duplicate id 'a', already used by segments[0]"),
      seg(OK + "  - {repeat: later, length: 5}\n  - {id: later, family: clean, length: 1}\n", "segments[1].repeat", "no earlier segment 'later' (earlier segments: [a])"),
      seg(OK + "  - {repeat: a, severity: 3}\n", "segments[1].severity", "a repeat takes its domain from segment 'a'"),
      seg(OK + "  - {family: brightness, severty: 1, length: 5}\n", "segments[1].severty", "unknown field (known: id, family, severity"),
      seg("  - {family: clean, length: 5, classes: [1, 1]}\n", "segments[0].classes[1]", "class 1 is listed twice"),
      seg("  - {family: clean, length: 5, classes: [-2]}\n", "segments[0].classes[0]", "must be a class index >= 0, got -2"),
      seg("  - {family: clean, length: 5, classes: []}\n", "segments[0].classes", "must be a non-empty list"),
      seg("  - {family: clean, length: 5, classWeights: [1, -1]}\n", "segments[0].classWeights[1]", "must be a number >= 0, got -1"),
      seg("  - {family: clean, length: 5, classWeights: [0, 0]}\n", "segments[0].classWeights", "all weights are 0"),
      seg("  - {family: clean, length: 5, classWeights: [1], classes: [0]}\n", "segments[0]", "either classes or classWeights"),
      seg("  - {source: {images: a.idx}, length: 5}\n", "segments[0].source.labels", "is required with images"),
      seg("  - {source: {folder: x, images: a.idx, labels: b.idx}, length: 5}\n", "segments[0].source", "exactly one of"),
      seg("  - {source: mnist, length: 5}\n", "segments[0].source", "unknown data set 'mnist' (known: fashion-mnist-train, fashion-mnist-test"),
      seg("  - [clean, 5]\n", "segments[0]", "a segment must be a mapping"),
      new Case("seed: 1\nsegments:\n" + OK, "name", "is required"),
      new Case("name: v\nsegments:\n" + OK, "seed", "is required"),
      new Case("name: v\nseed: soon\nsegments:\n" + OK, "seed", "must be an integer, got 'soon'"),
      new Case(HEAD + "colour: red\nsegments:\n" + OK, "colour", "unknown field (known: name, seed, source, segments, devices)"),
      new Case(HEAD + "source: {dataset: cifar}\nsegments:\n" + OK, "source.dataset", "unknown data set 'cifar'"),
      new Case(HEAD + "segments:\n" + OK + "devices:\n  cam: [a, b]\n", "devices.cam[1]", "unknown segment 'b' (known: [a])"),
      new Case(HEAD + "segments:\n" + OK + "devices:\n  cam: []\n", "devices.cam", "must be a non-empty list"),
      new Case(HEAD + "segments:\n" + OK + "devices: [a]\n", "devices", "must map device ids"),
      new Case(HEAD + "segments:\n" + OK + "  - {id: t, family: contrast, severity: 1, length: 4, transition: 2}\n"
          + "devices:\n  cam: [t, a]\n", "devices.cam[0]", "segment 't' has a transition but starts the schedule"),
      new Case("", "", "the scenario is empty"),
      new Case("- 1\n- 2\n", "", "a scenario must be a mapping"));

  @Test
  void everyErrorNamesItsField() {
    for (Case c : CASES) {
      ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Scenarios.parse(c.yaml(), Scenarios.Format.YAML));
      assertThat(e).as("no error for:\n%s", c.yaml()).isNotNull();
      assertThat(e.path()).as(c.yaml()).isEqualTo(c.path());
      assertThat(e.problem()).as(c.yaml()).contains(c.problem());
      assertThat(e.getMessage()).isEqualTo(c.path().isEmpty() ? e.problem() : c.path() + ": " + e.problem());
    }
  }

  @Test
  void fileErrorsNameTheFileToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(
        dir.resolve("bad.yaml"), HEAD + "segments:\n  - {family: contrast, severity: 9, length: 5}\n");

    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Scenarios.load(file));

    assertThat(e.getMessage()).isEqualTo(file + ": segments[0].severity: must be 1..5, got 9");
    assertThat(e.file()).isEqualTo(file.toString());
    assertThat(e.path()).isEqualTo("segments[0].severity");
  }
}
