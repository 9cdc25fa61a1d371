package io.driftline.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.IdxReader;
import io.driftline.core.data.ImageFolderReader;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioStreamTest {

  private final SyntheticImages data = new SyntheticImages(50, 3, 5, 99);

  private static Scenario scenario(long seed, String segments, String devices) {
    return Scenarios.parse("name: t\nseed: " + seed + "\nsegments:\n" + segments + devices);
  }

  private static final String THREE = """
        - {id: home, family: clean, length: 50}
        - {id: bright, family: brightness, severity: 3, length: 40}
        - {id: flat, family: contrast, severity: 2, length: 30}
        - {id: back, repeat: home, length: 20}
      """;

  private static List<Frame> frames(ScenarioStream stream) {
    List<Frame> out = new ArrayList<>();
    stream.forEach(out::add);
    return out;
  }

  @Test
  void sameSeedGivesSameFramesAndOtherSeedsAnotherOrder() {
    Scenario a = scenario(1, THREE, "");
    ScenarioStream stream = ScenarioStream.of(a, data);

    List<Frame> first = frames(stream);
    assertThat(frames(stream)).isEqualTo(first); // a second pass replays
    assertThat(frames(ScenarioStream.of(scenario(1, THREE, ""), data))).isEqualTo(first);
    assertThat(stream.stream().toList()).isEqualTo(first);

    List<Frame> other = frames(ScenarioStream.of(scenario(2, THREE, ""), data));
    assertThat(other).hasSameSizeAs(first).isNotEqualTo(first);
    assertThat(other).extracting(Frame::domainTag).isEqualTo(first.stream().map(Frame::domainTag).toList());
    long samePosition = 0;
    for (int i = 0; i < first.size(); i++) {
      samePosition += data.indexOf(first.get(i).image()) == data.indexOf(other.get(i).image())
          && first.get(i).domainTag().equals("clean") ? 1 : 0;
    }
    // 70 clean frames; two independent shuffles of 50 agree at ~1/50 of positions
    assertThat(samePosition).isLessThan(10);
  }

  @Test
  void framesCarryIndexTagLabelAndTheRightCorruption() {
    Scenario s = scenario(5, THREE, "");
    List<Frame> frames = frames(ScenarioStream.of(s, data));

    assertThat(frames).hasSize(140);
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      assertThat(f.index()).isEqualTo(i);
      String expectedTag = i < 50 ? "clean" : i < 90 ? "brightness@3" : i < 120 ? "contrast@2" : "clean";
      assertThat(f.domainTag()).isEqualTo(expectedTag);
      int source = findSource(f);
      assertThat(source).as("frame %d comes from some sample", i).isNotNegative();
      assertThat(f.label()).isEqualTo(data.label(source));
    }
  }

  /** Finds the sample a frame was made from by re-applying its corruption independently. */
  private int findSource(Frame f) {
    for (int j = 0; j < data.size(); j++) {
      Image clean = data.image(j);
      Image expected = switch (f.domainTag()) {
        case "clean" -> clean;
        // brightness and contrast do not depend on the seed or index
        case "brightness@3" -> CorruptionFamily.BRIGHTNESS.apply(clean, 3, 0, 0);
        case "contrast@2" -> CorruptionFamily.CONTRAST.apply(clean, 2, 0, 0);
        default -> throw new AssertionError(f.domainTag());
      };
      if (expected.equals(f.image())) {
        return j;
      }
    }
    return -1;
  }

  @Test
  void samplesAreDrawnWithoutReplacementWithinAPass() {
    Scenario s = scenario(8, "  - {id: home, family: clean, length: 100}\n", "");
    List<Frame> frames = frames(ScenarioStream.of(s, data));

    Set<Integer> firstPass = new HashSet<>();
    Set<Integer> secondPass = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      (i < 50 ? firstPass : secondPass).add(data.indexOf(frames.get(i).image()));
    }
    assertThat(firstPass).hasSize(50).doesNotContain(-1);
    assertThat(secondPass).hasSize(50);
  }

  @Test
  void transitionRampsLinearlyTowardsTheNewDomain() {
    int t = 2000;
    Scenario s = scenario(11, """
          - {id: old, family: clean, length: 100}
          - {id: new, family: brightness, severity: 1, length: 2500, transition: 2000}
        """, "");
    List<Frame> frames = frames(ScenarioStream.of(s, data));

    assertThat(frames.subList(0, 100)).allMatch(f -> f.domainTag().equals("clean"));
    for (int quarter = 0; quarter < 4; quarter++) {
      int from = 100 + quarter * t / 4;
      long fresh = frames.subList(from, from + t / 4).stream().filter(f -> f.domainTag().equals("brightness@1")).count();
      // expected share is the mean of (k+1)/(t+1) over the quarter: 1/8, 3/8, 5/8, 7/8
      assertThat(fresh / (t / 4.0)).as("quarter %d", quarter).isCloseTo((2 * quarter + 1) / 8.0, within(0.06));
    }
    assertThat(frames.subList(100 + t, frames.size())).allMatch(f -> f.domainTag().equals("brightness@1"));
    // frames from the old domain during the transition really are clean samples
    frames.subList(100, 100 + t).stream().filter(f -> f.domainTag().equals("clean"))
        .forEach(f -> assertThat(data.indexOf(f.image())).isNotNegative());
  }

  @Test
  void devicesFollowTheirOwnSchedules() {
    Scenario s = scenario(3, THREE, """
        devices:
          a: [home, bright]
          b: [flat, home, flat]
          c: [home, bright]
        """);

    List<Frame> a = frames(ScenarioStream.forDevice(s, "a", data));
    List<Frame> b = frames(ScenarioStream.forDevice(s, "b", data));
    List<Frame> c = frames(ScenarioStream.forDevice(s, "c", data));

    assertThat(a).hasSize(90);
    assertThat(a.get(0).domainTag()).isEqualTo("clean");
    assertThat(a.get(89).domainTag()).isEqualTo("brightness@3");
    assertThat(b).hasSize(110);
    assertThat(b.get(0).domainTag()).isEqualTo("contrast@2");
    assertThat(b.get(30).domainTag()).isEqualTo("clean");
    assertThat(b.get(80).domainTag()).isEqualTo("contrast@2");
    // same schedule, different device: same domains, different samples
    assertThat(c).extracting(Frame::domainTag).isEqualTo(a.stream().map(Frame::domainTag).toList());
    assertThat(c).isNotEqualTo(a);
    assertThat(frames(ScenarioStream.forDevice(s, "a", data))).isEqualTo(a);

    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioStream.forDevice(s, "z", data));
    assertThat(e.getMessage()).contains("'z'").contains("[a, b, c]");
  }

  @Test
  void labelShiftIsRespected() {
    Scenario s = scenario(21, """
          - {id: subset, family: clean, length: 1000, classes: [1, 3]}
          - {id: weighted, family: clean, length: 2000, classWeights: [0, 0, 1, 0, 3]}
          - {id: natural, family: clean, length: 1000}
        """, "");
    List<Frame> frames = frames(ScenarioStream.of(s, data));

    int[] subset = counts(frames.subList(0, 1000));
    assertThat(subset[0] + subset[2] + subset[4]).isZero();
    assertThat(subset[1] / 1000.0).isCloseTo(0.5, within(0.06));
    int[] weighted = counts(frames.subList(1000, 3000));
    assertThat(weighted[0] + weighted[1] + weighted[3]).isZero();
    assertThat(weighted[4] / 2000.0).isCloseTo(0.75, within(0.04));
    int[] natural = counts(frames.subList(3000, 4000));
    for (int c = 0; c < 5; c++) {
      assertThat(natural[c]).isEqualTo(200); // 20 passes over a balanced set without replacement
    }
  }

  private static int[] counts(List<Frame> frames) {
    int[] counts = new int[5];
    frames.forEach(f -> counts[f.label()]++);
    return counts;
  }

  @Test
  void labelShiftThatDoesNotFitTheDataNamesTheField() {
    Scenario outOfRange = scenario(1, "  - {family: clean, length: 5}\n  - {family: clean, length: 5, classes: [2, 9]}\n", "");
    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioStream.of(outOfRange, data));
    assertThat(e.path()).isEqualTo("segments[1].classes[1]");
    assertThat(e.problem()).contains("class 9 is out of range").contains("5 classes");

    Scenario wrongCount = scenario(1, "  - {family: clean, length: 5, classWeights: [1, 2]}\n", "");
    e = catchThrowableOfType(ScenarioException.class, () -> ScenarioStream.of(wrongCount, data));
    assertThat(e.path()).isEqualTo("segments[0].classWeights");
    assertThat(e.problem()).contains("2 weights").contains("5 classes");

    SyntheticImages noClass4 = new SyntheticImages(4, 3, 5, 1); // labels 0..3 only
    Scenario empty = scenario(1, "  - {family: clean, length: 5, classes: [4]}\n", "");
    e = catchThrowableOfType(ScenarioException.class, () -> ScenarioStream.of(empty, noClass4));
    assertThat(e.path()).isEqualTo("segments[0].classes");
    assertThat(e.problem()).contains("class 4").contains("no samples");
  }

  @Test
  void segmentCanReplayAnIdxPair(@TempDir Path dir) throws IOException {
    // 6 recorded 2x2 images; the stream conforms them to the 3x3 shape of the main data
    byte[] pixels = new byte[6 * 4];
    new SplittableRandom(4).nextBytes(pixels);
    byte[] labels = {0, 1, 2, 3, 4, 0};
    Path images = Files.write(dir.resolve("rec-images"), idx(IdxReader.IMAGES_MAGIC, new int[] {6, 2, 2}, pixels));
    Path labelFile = Files.write(dir.resolve("rec-labels"), idx(IdxReader.LABELS_MAGIC, new int[] {6}, labels));
    Path scenarioFile = Files.writeString(dir.resolve("s.yaml"), """
        name: replay
        seed: 5
        segments:
          - {id: home, family: clean, length: 10}
          - {id: recorded, source: {images: rec-images, labels: rec-labels}, length: 12}
        """);
    Scenario s = Scenarios.load(scenarioFile);
    LabeledImages recorded = IdxReader.read(images, labelFile);

    List<Frame> frames = frames(ScenarioStream.of(s, data));

    assertThat(frames.subList(10, 22)).allSatisfy(f -> {
      assertThat(f.domainTag()).isEqualTo("recorded");
      assertThat(f.image().height()).isEqualTo(3);
      int match = -1;
      for (int j = 0; j < recorded.size(); j++) {
        if (ImageOps.resize(recorded.image(j), 3, 3).equals(f.image())) {
          match = j;
        }
      }
      assertThat(match).isNotNegative();
      assertThat(f.label()).isEqualTo(recorded.label(match));
    });
  }

  @Test
  void segmentCanReplayAnImageFolderWithCorruptionOnTop(@TempDir Path dir) throws IOException {
    SyntheticImages recorded = new SyntheticImages(4, 3, 2, 77);
    for (int i = 0; i < recorded.size(); i++) {
      Path file = dir.resolve("night/" + recorded.label(i) + "/img" + i + ".png");
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        ImageOps.writePng(recorded.image(i), out);
      }
    }
    Scenario s = Scenarios.parse("""
        name: replay
        seed: 5
        segments:
          - {id: home, family: clean, length: 3}
          - {id: night, source: {folder: %s}, family: brightness, severity: 2, length: 8}
        """.formatted(dir.resolve("night")));
    LabeledImages folder = ImageFolderReader.builder().build().read(dir.resolve("night"));

    List<Frame> frames = frames(ScenarioStream.of(s, data));

    assertThat(frames.subList(3, 11)).allSatisfy(f -> {
      assertThat(f.domainTag()).isEqualTo("night+brightness@2");
      boolean found = false;
      for (int j = 0; j < folder.size(); j++) {
        found |= CorruptionFamily.BRIGHTNESS.apply(folder.image(j), 2, 0, 0).equals(f.image())
            && folder.label(j) == f.label();
      }
      assertThat(found).isTrue();
    });
  }

  private static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    buffer.putInt(magic);
    for (int d : dims) {
      buffer.putInt(d);
    }
    return buffer.put(data).array();
  }
}
