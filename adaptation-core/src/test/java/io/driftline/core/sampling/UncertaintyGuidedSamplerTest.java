package io.driftline.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.TestVectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class UncertaintyGuidedSamplerTest {

  private static final int D = 2048;
  private static final Duration SECOND = Duration.ofSeconds(1);

  private static SamplingPolicy.Builder unlimited() {
    return SamplingPolicy.builder()
        .optMaxFrameFraction(1)
        .optMaxBytesPerSecond(Double.POSITIVE_INFINITY)
        .optMinScore(0);
  }

  private static Candidate candidate(long index, double u, double o, Hypervector hv, int bytes) {
    return new Candidate(index, u, o, hv, bytes);
  }

  private static List<Candidate> randomWindow(int n, SplittableRandom random) {
    List<Candidate> window = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      window.add(candidate(i, random.nextDouble(), random.nextDouble(), TestVectors.random(D, random),
          100 + random.nextInt(900)));
    }
    return window;
  }

  @Test
  void choosesTheTopKByCombinedScore() {
    SplittableRandom random = new SplittableRandom(1);
    for (double[] exponents : new double[][] {{1, 1}, {2, 0.5}, {1, 0}}) {
      SamplingPolicy policy = unlimited().optMaxFrameFraction(0.25)
          .optUncertaintyExponent(exponents[0]).optOodExponent(exponents[1]).build();
      List<Candidate> window = randomWindow(20, random);
      List<Candidate> expected = new ArrayList<>(window);
      expected.sort(Comparator.comparingDouble(
          (Candidate c) -> -Math.pow(c.uncertainty(), exponents[0]) * Math.pow(c.oodScore(), exponents[1])));
      Selection selection = new UncertaintyGuidedSampler(policy).select(window, SECOND);
      assertThat(selection.chosen()).containsExactlyElementsOf(expected.subList(0, 5));
      assertThat(selection.rejectedFrameBudget()).isEqualTo(15);
    }
  }

  @Test
  void equalScoresGoByFrameIndexWhateverTheWindowOrder() {
    SplittableRandom random = new SplittableRandom(2);
    List<Candidate> window = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      window.add(candidate(100 + i, 0.5, 0.5, TestVectors.random(D, random), 10));
    }
    Collections.shuffle(window, new Random(3));
    Selection selection = new UncertaintyGuidedSampler(unlimited().optMaxFrameFraction(0.3).build())
        .select(window, SECOND);
    assertThat(selection.chosen()).extracting(Candidate::frameIndex).containsExactly(100L, 101L, 102L);
  }

  @Test
  void frameFractionIsNeverExceeded() {
    SplittableRandom random = new SplittableRandom(4);
    for (int trial = 0; trial < 100; trial++) {
      int n = random.nextInt(120);
      double fraction = 0.01 + 0.99 * random.nextDouble();
      SamplingPolicy policy = unlimited().optMaxFrameFraction(fraction).build();
      Selection selection = new UncertaintyGuidedSampler(policy).select(randomWindow(n, random), SECOND);
      int quota = (int) Math.floor(fraction * n + 1e-9);
      // Random codes are never near-duplicates and min score is 0, so the quota is filled exactly.
      assertThat(selection.chosen()).hasSize(quota);
      assertThat(selection.chosen().size()).isLessThanOrEqualTo((int) Math.ceil(fraction * n));
      assertThat(selection.chosen().size() + selection.rejected()).isEqualTo(n);
    }
    assertThat(SamplingPolicy.builder().optMaxFrameFraction(0.29).build().maxFrames(100)).isEqualTo(29);
  }

  @Test
  void byteBudgetIsATokenBucketWithCappedCarryOver() {
    SplittableRandom random = new SplittableRandom(5);
    SamplingPolicy policy = unlimited().optMaxBytesPerSecond(1000).optMaxCarryOverSeconds(2).build();
    UncertaintyGuidedSampler sampler = new UncertaintyGuidedSampler(policy);
    List<Candidate> window = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      window.add(candidate(i, 0.9, 0.9, TestVectors.random(D, random), 300));
    }
    // 1000 B earned: three 300 B frames, 100 B left over; then 1100 B: three more, 200 left; ...
    Selection first = sampler.select(window, SECOND);
    assertThat(first.chosen()).hasSize(3);
    assertThat(first.rejectedByteBudget()).isEqualTo(7);
    assertThat(first.bytesCarriedOver()).isEqualTo(100);
    Selection second = sampler.select(window, SECOND);
    assertThat(second.chosen()).hasSize(3);
    assertThat(second.bytesCarriedOver()).isEqualTo(200);

    // Ten idle seconds would earn 10,000 B but only 2 s (2000 B) carry over.
    Selection idle = sampler.select(List.of(), Duration.ofSeconds(10));
    assertThat(idle.bytesCarriedOver()).isEqualTo(2000);
    Selection burst = sampler.select(window, SECOND);
    assertThat(burst.chosen()).hasSize(10); // 3000 B available, 3000 B offered
    assertThat(burst.bytesChosen()).isEqualTo(3000);
    assertThat(burst.bytesCarriedOver()).isZero();
  }

  @Test
  void bytesChosenNeverExceedTheRateOverConsecutiveWindows() {
    SplittableRandom random = new SplittableRandom(6);
    SamplingPolicy policy = unlimited().optMaxBytesPerSecond(5000).optMaxCarryOverSeconds(3).build();
    UncertaintyGuidedSampler sampler = new UncertaintyGuidedSampler(policy);
    double elapsed = 0;
    long total = 0;
    for (int w = 0; w < 200; w++) {
      Duration duration = Duration.ofMillis(100 + random.nextInt(2000));
      elapsed += duration.toMillis() / 1000.0;
      Selection selection = sampler.select(randomWindow(random.nextInt(30), random), duration);
      total += selection.bytesChosen();
      assertThat((double) total).isLessThanOrEqualTo(5000 * elapsed + 1e-6);
      assertThat(selection.bytesCarriedOver()).isBetween(0.0, 5000 * 3.0);
    }
    assertThat(total).as("the budget is actually used").isGreaterThan((long) (0.5 * 5000 * elapsed));
  }

  @Test
  void oversizedFrameIsSkippedAndASmallerOneUsesTheBudget() {
    SplittableRandom random = new SplittableRandom(7);
    List<Candidate> window = List.of(
        candidate(0, 0.9, 0.9, TestVectors.random(D, random), 5000),
        candidate(1, 0.5, 0.5, TestVectors.random(D, random), 400));
    Selection selection = new UncertaintyGuidedSampler(unlimited().optMaxBytesPerSecond(1000).build())
        .select(window, SECOND);
    assertThat(selection.chosen()).extracting(Candidate::frameIndex).containsExactly(1L);
    assertThat(selection.rejectedByteBudget()).isEqualTo(1);
  }

  @Test
  void nearDuplicatesAreSuppressedAndDistinctFramesPass() {
    SplittableRandom random = new SplittableRandom(8);
    Hypervector a = TestVectors.random(D, random);
    Hypervector b = TestVectors.random(D, random);
    Hypervector c = TestVectors.random(D, random);
    List<Candidate> window = List.of(
        candidate(0, 0.9, 1.0, a, 10),
        candidate(1, 0.8, 1.0, TestVectors.noisyCopy(a, 0.02, random), 10),
        candidate(2, 0.7, 1.0, b, 10),
        candidate(3, 0.6, 1.0, TestVectors.noisyCopy(b, 0.03, random), 10),
        candidate(4, 0.5, 1.0, c, 10),
        candidate(5, 0.4, 1.0, a, 10));
    Selection selection = new UncertaintyGuidedSampler(unlimited().optDuplicateSimilarity(0.9).build())
        .select(window, SECOND);
    assertThat(selection.chosen()).extracting(Candidate::frameIndex).containsExactly(0L, 2L, 4L);
    assertThat(selection.rejectedDuplicate()).isEqualTo(3);

    // At 1.0 only the exact copy of a is a duplicate.
    Selection exactOnly = new UncertaintyGuidedSampler(unlimited().optDuplicateSimilarity(1.0).build())
        .select(window, SECOND);
    assertThat(exactOnly.chosen()).extracting(Candidate::frameIndex).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(exactOnly.rejectedDuplicate()).isEqualTo(1);
  }

  @Test
  void everyRejectionIsCountedUnderItsFirstReason() {
    SplittableRandom random = new SplittableRandom(9);
    Hypervector a = TestVectors.random(D, random);
    SamplingPolicy policy = SamplingPolicy.builder()
        .optMaxFrameFraction(0.25) // 8 candidates -> 2 frames
        .optMaxBytesPerSecond(1000)
        .optMaxCarryOverSeconds(0)
        .optMinScore(0.2)
        .build();
    List<Candidate> window = List.of(
        candidate(0, 1.0, 1.0, a, 600), // chosen
        candidate(1, 0.95, 1.0, a, 10), // duplicate of 0
        candidate(2, 0.9, 1.0, TestVectors.random(D, random), 900), // too big for the 400 B left
        candidate(3, 0.85, 1.0, TestVectors.random(D, random), 300), // chosen
        candidate(4, 0.8, 1.0, TestVectors.random(D, random), 10), // frame quota used up
        candidate(5, 0.7, 1.0, a, 10), // duplicate (checked before the quota)
        candidate(6, 0.1, 1.0, TestVectors.random(D, random), 10), // below min score
        candidate(7, 0.5, 0.3, TestVectors.random(D, random), 10)); // 0.15 < 0.2
    Selection selection = new UncertaintyGuidedSampler(policy).select(window, SECOND);
    assertThat(selection.chosen()).extracting(Candidate::frameIndex).containsExactly(0L, 3L);
    assertThat(selection.rejectedDuplicate()).isEqualTo(2);
    assertThat(selection.rejectedByteBudget()).isEqualTo(1);
    assertThat(selection.rejectedFrameBudget()).isEqualTo(1);
    assertThat(selection.rejectedBelowMinScore()).isEqualTo(2);
    assertThat(selection.bytesChosen()).isEqualTo(900);
    assertThat(selection.bytesCarriedOver()).isZero(); // cap 0 s
  }

  @Test
  void emptyWindowChoosesNothingAndStillEarnsBudget() {
    SamplingPolicy policy = SamplingPolicy.builder().optMaxBytesPerSecond(100).build();
    UncertaintyGuidedSampler sampler = new UncertaintyGuidedSampler(policy);
    Selection selection = sampler.select(List.of(), Duration.ofSeconds(3));
    assertThat(selection.chosen()).isEmpty();
    assertThat(selection.rejected()).isZero();
    assertThat(sampler.carriedOverBytes()).isEqualTo(300);
    sampler.reset();
    assertThat(sampler.carriedOverBytes()).isZero();
  }

  @Test
  void invalidPolicyValuesNameTheField() {
    List<Object[]> cases = List.of(
        new Object[] {"maxFrameFraction", (UnaryOperator<SamplingPolicy.Builder>) b -> b.optMaxFrameFraction(0)},
        new Object[] {"maxFrameFraction", (UnaryOperator<SamplingPolicy.Builder>) b -> b.optMaxFrameFraction(1.5)},
        new Object[] {"maxBytesPerSecond", (UnaryOperator<SamplingPolicy.Builder>) b -> b.optMaxBytesPerSecond(0)},
        new Object[] {"maxBytesPerSecond",
            (UnaryOperator<SamplingPolicy.Builder>) b -> b.optMaxBytesPerSecond(Double.NaN)},
        new Object[] {"maxCarryOverSeconds",
            (UnaryOperator<SamplingPolicy.Builder>) b -> b.optMaxCarryOverSeconds(-1)},
        new Object[] {"duplicateSimilarity",
            (UnaryOperator<SamplingPolicy.Builder>) b -> b.optDuplicateSimilarity(0.4)},
        new Object[] {"minScore", (UnaryOperator<SamplingPolicy.Builder>) b -> b.optMinScore(-0.1)},
        new Object[] {"uncertaintyExponent",
            (UnaryOperator<SamplingPolicy.Builder>) b -> b.optUncertaintyExponent(-1)},
        new Object[] {"oodExponent",
            (UnaryOperator<SamplingPolicy.Builder>) b -> b.optOodExponent(Double.POSITIVE_INFINITY)});
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      UnaryOperator<SamplingPolicy.Builder> change = (UnaryOperator<SamplingPolicy.Builder>) c[1];
      assertThatThrownBy(() -> change.apply(SamplingPolicy.builder()).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining((String) c[0]);
    }
    SplittableRandom random = new SplittableRandom(10);
    Hypervector hv = TestVectors.random(D, random);
    assertThatThrownBy(() -> new Candidate(1, 1.5, 0.5, hv, 1)).hasMessageContaining("uncertainty");
    assertThatThrownBy(() -> new Candidate(1, 0.5, -1, hv, 1)).hasMessageContaining("oodScore");
    assertThatThrownBy(() -> new Candidate(1, 0.5, 0.5, hv, -1)).hasMessageContaining("byteSize");
    UncertaintyGuidedSampler sampler = new UncertaintyGuidedSampler(SamplingPolicy.defaults());
    assertThatThrownBy(() -> sampler.select(List.of(), Duration.ofSeconds(-1)))
        .hasMessageContaining("windowDuration");
  }
}
