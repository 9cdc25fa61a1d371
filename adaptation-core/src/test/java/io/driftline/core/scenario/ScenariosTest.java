package io.driftline.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.driftline.core.corruption.CorruptionFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenariosTest {

  static final String YAML = """
      name: demo
      seed: 42
      source: {images: data/imgs.idx, labels: data/lbls.idx}
      segments:
        - {id: home, family: clean, length: 30}
        - {id: bright, family: brightness, severity: 3, length: 20, transition: 5, classes: [1, 2]}
        - id: low
          family: contrast
          severity: 5
          length: 10
          classWeights: [0, 1, 1, 2]
        - {id: back, repeat: home, length: 7}
        - {id: bright2, family: Brightness, severity: 3, length: 4}
        - {id: night, source: {folder: /recordings/night}, length: 9, domain: night-cam}
      devices:
        a: [home, bright, back]
        b: [low, home, low]
      """;

  static final String JSON = """
      {"name": "demo", "seed": 42,
       "source": {"images": "data/imgs.idx", "labels": "data/lbls.idx"},
       "segments": [
         {"id": "home", "family": "clean", "length": 30},
         {"id": "bright", "family": "brightness", "severity": 3, "length": 20, "transition": 5, "classes": [1, 2]},
         {"id": "low", "family": "contrast", "severity": 5, "length": 10, "classWeights": [0, 1, 1, 2]},
         {"id": "back", "repeat": "home", "length": 7},
         {"id": "bright2", "family": "brightness", "severity": 3, "length": 4},
         {"id": "night", "source": {"folder": "/recordings/night"}, "length": 9, "domain": "night-cam"}
       ],
       "devices": {"a": ["home", "bright", "back"], "b": ["low", "home", "low"]}}
      """;

  @Test
  void jsonAndYamlGiveTheSameScenario() {
    Scenario fromYaml = Scenarios.parse(YAML, Scenarios.Format.YAML);
    Scenario fromJson = Scenarios.parse(JSON, Scenarios.Format.JSON);

    assertThat(fromJson).isEqualTo(fromYaml);
    assertThat(Scenarios.parse(JSON)).isEqualTo(fromYaml); // detected as JSON
    assertThat(Scenarios.parse(YAML)).isEqualTo(fromYaml); // detected as YAML
  }

  @Test
  void fieldsAreReadAsWritten() {
    Scenario s = Scenarios.parse(YAML);

    assertThat(s.name()).isEqualTo("demo");
    assertThat(s.seed()).isEqualTo(42);
    assertThat(s.source()).isEqualTo(SourceSpec.idx("data/imgs.idx", "data/lbls.idx"));
    assertThat(s.segments()).extracting(Segment::id)
        .containsExactly("home", "bright", "low", "back", "bright2", "night");
    Segment bright = s.segment("bright");
    assertThat(bright.family()).isEqualTo(CorruptionFamily.BRIGHTNESS);
    assertThat(bright.severity()).isEqualTo(3);
    assertThat(bright.transition()).isEqualTo(5);
    assertThat(bright.labelShift()).isEqualTo(LabelShift.subset(List.of(1, 2)));
    assertThat(s.segment("low").labelShift()).isEqualTo(LabelShift.weighted(List.of(0.0, 1.0, 1.0, 2.0)));
    assertThat(s.segment("night").source()).isEqualTo(SourceSpec.folder("/recordings/night"));
    assertThat(s.devices()).containsOnlyKeys("a", "b");
    assertThat(s.devices().get("b")).containsExactly("low", "home", "low");
    assertThat(s.length()).isEqualTo(30 + 20 + 10 + 7 + 4 + 9);
  }

  @Test
  void domainTagsAreSharedByRecurrences() {
    Scenario s = Scenarios.parse(YAML);

    assertThat(s.segment("home").domainTag()).isEqualTo("clean");
    assertThat(s.segment("bright").domainTag()).isEqualTo("brightness@3");
    assertThat(s.segment("low").domainTag()).isEqualTo("contrast@5");
    // an explicit repeat copies the domain (and its label shift) but takes its own length
    Segment back = s.segment("back");
    assertThat(back.domainTag()).isEqualTo("clean");
    assertThat(back.repeatOf()).isEqualTo("home");
    assertThat(back.length()).isEqualTo(7);
    // the same family and severity again is the same domain
    assertThat(s.segment("bright2").domainTag()).isEqualTo(s.segment("bright").domainTag());
    assertThat(s.segment("night").domainTag()).isEqualTo("night-cam");
    assertThat(s.domainTags()).containsExactly("clean", "brightness@3", "contrast@5", "night-cam");
  }

  @Test
  void defaultsApplyWhenFieldsAreLeftOut() {
    Scenario s = Scenarios.parse("""
        name: tiny
        seed: -3
        segments:
          - {family: clean, length: 2}
          - {source: {dataset: fashion-mnist-train}, length: 3}
        """);

    assertThat(s.source()).isEqualTo(SourceSpec.dataset(SourceSpec.FASHION_MNIST_TEST));
    assertThat(s.segments()).extracting(Segment::id).containsExactly("segment-0", "segment-1");
    assertThat(s.segments().get(1).family()).isNull();
    assertThat(s.segments().get(1).domainTag()).isEqualTo("segment-1");
    assertThat(s.devices()).isEmpty();
  }

  @Test
  void writtenScenariosReadBackEqual() {
    Scenario original = Scenarios.parse(YAML);

    assertThat(Scenarios.parse(Scenarios.toJson(original), Scenarios.Format.JSON)).isEqualTo(original);
    assertThat(Scenarios.parse(Scenarios.toYaml(original), Scenarios.Format.YAML)).isEqualTo(original);
    Scenario shipped = Scenarios.loadDefault();
    assertThat(Scenarios.parse(Scenarios.toYaml(shipped))).isEqualTo(shipped);
  }

  @Test
  void loadDetectsFormatAndResolvesRelativePathsAgainstTheFile(@TempDir Path dir) throws IOException {
    Path yaml = Files.writeString(dir.resolve("s.yaml"), YAML);
    Path json = Files.writeString(dir.resolve("s.json"), JSON);
    Path unnamed = Files.writeString(dir.resolve("s.scenario"), JSON);

    Scenario fromYaml = Scenarios.load(yaml);

    assertThat(fromYaml.source()).isEqualTo(SourceSpec.idx(
        dir.resolve("data/imgs.idx").toString(), dir.resolve("data/lbls.idx").toString()));
    // absolute paths stay as written
    assertThat(fromYaml.segment("night").source()).isEqualTo(SourceSpec.folder("/recordings/night"));
    assertThat(Scenarios.load(json)).isEqualTo(fromYaml);
    assertThat(Scenarios.load(unnamed)).isEqualTo(fromYaml);
  }

  @Test
  void malformedYamlGivesFileAndLine(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("broken.yaml"), """
        name: x
        seed: 1
        segments:
          - {id: a, family: clean, length: 3
          - {id: b}
        """);

    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Scenarios.load(file));

    assertThat(e.file()).isEqualTo(file.toString());
    // the unclosed brace on line 4 is noticed where the next entry starts
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.getMessage()).startsWith(file + ":5: malformed YAML at line 5, column ")
        .contains("expected ',' or '}'")
        .doesNotContain("\n");
  }

  @Test
  void tabIndentationIsReportedOnItsLine() {
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> Scenarios.parse("name: x\nseed: 1\nsegments:\n\t- {family: clean, length: 1}\n"));

    assertThat(e.line()).isEqualTo(4);
    assertThat(e.getMessage()).startsWith("malformed YAML at line 4, column 1:").contains("TAB");
  }

  @Test
  void malformedJsonGivesLine() {
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> Scenarios.parse("{\"name\": \"x\",\n \"seed\": 1,,\n}", Scenarios.Format.JSON));

    assertThat(e.line()).isEqualTo(2);
    assertThat(e.getMessage()).contains("malformed JSON at line 2");
  }

  @Test
  void duplicateKeysAreRejected() {
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> Scenarios.parse("name: x\nseed: 1\nseed: 2\nsegments: [{family: clean, length: 1}]\n"));

    assertThat(e.getMessage()).contains("seed").contains("line 3");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path file = dir.resolve("none.yaml");

    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> Scenarios.load(file));

    assertThat(e.getMessage()).isEqualTo(file + ": scenario file does not exist");
  }
}
