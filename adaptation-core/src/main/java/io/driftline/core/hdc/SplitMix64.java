package io.driftline.core.hdc;

/**
 * The SplitMix64 generator (Steele, Lea and Flood; Vigna's reference constants), written out here so
 * that a stored seed rebuilds the same projection on any JVM or in any other language, which
 * {@link java.util.SplittableRandom}'s unspecified algorithm would not promise.
 */
final class SplitMix64 {

  private long state;

  SplitMix64(long seed) {
    this.state = seed;
  }

  long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Returns a {@code dimension}-bit vector of the next words, padding bits cleared. */
  Hypervector nextHypervector(int dimension) {
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int i = 0; i < words.length; i++) {
      words[i] = nextLong();
    }
    int tail = dimension % 64;
    if (tail != 0) {
      words[words.length - 1] &= (1L << tail) - 1;
    }
    return new Hypervector(dimension, words);
  }
}
