package io.driftline.core.random;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

  @Test
  void nextLongMatchesTheReferenceImplementation() {
    // First outputs of Vigna's splitmix64.c seeded with 1234567 (published test vector).
    SplitMix64 random = new SplitMix64(1234567);
    assertThat(random.nextLong()).isEqualTo(Long.parseUnsignedLong("6457827717110365317"));
    assertThat(random.nextLong()).isEqualTo(Long.parseUnsignedLong("3203168211198807973"));
    assertThat(random.nextLong()).isEqualTo(Long.parseUnsignedLong("9817491932198370423"));
    assertThat(random.nextLong()).isEqualTo(Long.parseUnsignedLong("4593380528125082431"));
    assertThat(random.nextLong()).isEqualTo(Long.parseUnsignedLong("16408922859458223821"));
  }

  @Test
  void mixIsTheOutputFunctionOfTheGenerator() {
    SplittableRandom seeds = new SplittableRandom(7);
    for (int i = 0; i < 100; i++) {
      long seed = seeds.nextLong();
      SplitMix64 random = new SplitMix64(seed);
      assertThat(random.nextLong()).isEqualTo(SplitMix64.mix(seed + SplitMix64.GOLDEN_GAMMA));
      assertThat(random.nextLong()).isEqualTo(SplitMix64.mix(seed + 2 * SplitMix64.GOLDEN_GAMMA));
    }
  }

  @Test
  void mixSpreadsNeighbouringInputs() {
    // A bijection: consecutive inputs never collide, and each flips about half of the output bits.
    Set<Long> outputs = new HashSet<>();
    long flippedBits = 0;
    for (long z = 0; z < 10_000; z++) {
      assertThat(outputs.add(SplitMix64.mix(z))).isTrue();
      flippedBits += Long.bitCount(SplitMix64.mix(z) ^ SplitMix64.mix(z + 1));
    }
    assertThat(flippedBits / 10_000.0).isBetween(30.0, 34.0);
  }
}
