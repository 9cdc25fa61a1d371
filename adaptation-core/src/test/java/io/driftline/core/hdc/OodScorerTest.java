package io.driftline.core.hdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OodScorerTest {

  @Test
  void formulaOnHandValues() {
    assertThat(OodScorer.score(0.5, 1.0)).isEqualTo(1.0);
    assertThat(OodScorer.score(1.0, 1.0)).isEqualTo(0.0);
    assertThat(OodScorer.score(0.75, 1.0)).isEqualTo(0.5);
    assertThat(OodScorer.score(0.8, 0.9)).isCloseTo(0.25, within(1e-12));
    assertThat(OodScorer.score(0.95, 0.9)).isEqualTo(0.0);
    assertThat(OodScorer.score(0.3, 0.9)).isEqualTo(1.0);
    assertThatThrownBy(() -> OodScorer.score(0.7, 0.5)).hasMessageContaining("referenceSimilarity");
  }

  @Test
  void inDistributionScoresLowAndRandomScoresHigh() {
    SplittableRandom random = new SplittableRandom(8);
    PrototypeMemory classes = new PrototypeMemory(10_000);
    List<Hypervector> sources = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      Hypervector source = TestVectors.random(10_000, random);
      sources.add(source);
      for (int i = 0; i < 15; i++) {
        classes.add("class-" + c, TestVectors.noisyCopy(source, 0.15, random));
      }
    }
    OodScorer scorer = new OodScorer(classes);
    List<Hypervector> clean = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Hypervector sample = TestVectors.noisyCopy(sources.get(i % 10), 0.15, random);
      clean.add(sample);
      // ~0.85 similar to its (almost exactly recovered) prototype: 2 * (1 - 0.85) = 0.3
      assertThat(scorer.score(sample)).isCloseTo(0.3, within(0.05));
    }
    for (int i = 0; i < 50; i++) {
      // the max over 10 unrelated prototypes sits a little above 0.5
      assertThat(scorer.score(TestVectors.random(10_000, random))).isGreaterThan(0.95);
    }

    OodScorer calibrated = OodScorer.calibrated(classes, clean);
    assertThat(calibrated.referenceSimilarity()).isCloseTo(0.85, within(0.01));
    long nearZero = clean.stream().filter(hv -> calibrated.score(hv) < 0.1).count();
    assertThat(nearZero).isGreaterThanOrEqualTo(40);
    assertThat(calibrated.score(TestVectors.random(10_000, random))).isGreaterThan(0.95);
  }

  @Test
  void emptyMemoryAndUselessCalibrationAreRejected() {
    SplittableRandom random = new SplittableRandom(9);
    PrototypeMemory empty = new PrototypeMemory(256);
    assertThatThrownBy(() -> new OodScorer(empty).score(TestVectors.random(256, random)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
    PrototypeMemory one = new PrototypeMemory(256);
    one.add("a", TestVectors.random(256, random));
    Hypervector inverse = one.prototype("a").orElseThrow();
    long[] words = inverse.words().clone();
    for (int w = 0; w < words.length; w++) {
      words[w] = ~words[w];
    }
    List<Hypervector> opposite = List.of(new Hypervector(256, words));
    assertThatThrownBy(() -> OodScorer.calibrated(one, opposite)).hasMessageContaining("not above 0.5");
    assertThatThrownBy(() -> OodScorer.calibrated(one, List.of())).hasMessageContaining("empty");
  }
}
