package io.driftline.core.hdc;

import java.util.SplittableRandom;

/** Random hypervectors and noisy copies for tests, built bit by bit independently of the code under test. */
public final class TestVectors {

  private TestVectors() {}

  /** A uniformly random hypervector. */
  public static Hypervector random(int dimension, SplittableRandom random) {
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int d = 0; d < dimension; d++) {
      if (random.nextBoolean()) {
        words[d >>> 6] |= 1L << (d & 63);
      }
    }
    return new Hypervector(dimension, words);
  }

  /** A copy of {@code source} with each bit flipped independently with probability {@code rate}. */
  public static Hypervector noisyCopy(Hypervector source, double rate, SplittableRandom random) {
    long[] words = source.words().clone();
    for (int d = 0; d < source.dimension(); d++) {
      if (random.nextDouble() < rate) {
        words[d >>> 6] ^= 1L << (d & 63);
      }
    }
    return new Hypervector(source.dimension(), words);
  }

  /** A hypervector with the given bits set. */
  public static Hypervector ofBits(int dimension, int... setBits) {
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int d : setBits) {
      words[d >>> 6] |= 1L << (d & 63);
    }
    return new Hypervector(dimension, words);
  }
}
