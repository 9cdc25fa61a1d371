package io.driftline.core.hdc;

import io.driftline.core.random.SplitMix64;

/**
 * A bundle (superposition) of hypervectors kept as one counter per bit: how many of the added
 * vectors have that bit set. Its {@link #majority} is the hypervector most similar to all of them;
 * keeping counts instead of the majority bits is what makes updates incremental and two bundles
 * mergeable by adding their counters. Not thread-safe.
 */
public final class CountingBundle {

  private final int dimension;
  private final int[] ones;
  private int count;

  /** Creates an empty bundle of {@code dimension}-bit vectors. */
  public CountingBundle(int dimension) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    this.dimension = dimension;
    this.ones = new int[dimension];
  }

  CountingBundle(int dimension, int count, int[] ones) {
    this.dimension = dimension;
    this.count = count;
    this.ones = ones;
  }

  /**
   * Adds one hypervector.
   *
   * @throws IllegalArgumentException if its dimension differs
   * @throws IllegalStateException if the bundle already holds {@link Integer#MAX_VALUE} vectors
   */
  public void add(Hypervector hv) {
    requireDimension(hv.dimension());
    if (count == Integer.MAX_VALUE) {
      throw new IllegalStateException("bundle counter is full (" + count + " vectors)");
    }
    for (int w = 0; w < hv.wordCount(); w++) {
      long word = hv.word(w);
      int start = 64 * w;
      int end = Math.min(64, dimension - start);
      for (int j = 0; j < end; j++) {
        ones[start + j] += (int) (word >>> j & 1L);
      }
    }
    count++;
  }

  /**
   * Adds another bundle's counters to this one.
   *
   * @throws IllegalArgumentException if the dimensions differ
   * @throws IllegalStateException if the total count would overflow
   */
  public void addAll(CountingBundle other) {
    requireDimension(other.dimension);
    if ((long) count + other.count > Integer.MAX_VALUE) {
      throw new IllegalStateException("bundle counter would overflow: " + count + " + " + other.count);
    }
    for (int d = 0; d < dimension; d++) {
      ones[d] += other.ones[d];
    }
    count += other.count;
  }

  /**
   * Returns the bitwise majority of the added vectors: bit {@code d} is set when more than half of
   * them have it set, clear when fewer than half do, and taken from {@code tieBreak} on an exact tie
   * (so ties are decided without bias towards 0 or 1, and the same way every time).
   *
   * @throws IllegalArgumentException if {@code tieBreak}'s dimension differs
   */
  public Hypervector majority(Hypervector tieBreak) {
    requireDimension(tieBreak.dimension());
    long[] tie = tieBreak.words();
    long[] words = new long[tie.length];
    for (int w = 0; w < words.length; w++) {
      long bits = 0;
      int start = 64 * w;
      int end = Math.min(64, dimension - start);
      for (int j = 0; j < end; j++) {
        long twice = 2L * ones[start + j];
        if (twice > count || (twice == count && (tie[w] >>> j & 1L) != 0)) {
          bits |= 1L << j;
        }
      }
      words[w] = bits;
    }
    return new Hypervector(dimension, words);
  }

  /** Number of vectors added. */
  public int count() {
    return count;
  }

  /** Number of added vectors with bit {@code index} set. */
  public int ones(int index) {
    return ones[index];
  }

  /** Bit width of the vectors. */
  public int dimension() {
    return dimension;
  }

  /** Returns an independent copy. */
  public CountingBundle copy() {
    return new CountingBundle(dimension, count, ones.clone());
  }

  int[] counters() {
    return ones;
  }

  /**
   * Returns the deterministic tie-break pattern for {@code seed}: SplitMix64 words, so about half
   * the bits are set.
   */
  public static Hypervector tieBreakPattern(int dimension, long seed) {
    SplitMix64 random = new SplitMix64(seed);
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int i = 0; i < words.length; i++) {
      words[i] = random.nextLong();
    }
    int tail = dimension % 64;
    if (tail != 0) {
      words[words.length - 1] &= (1L << tail) - 1;
    }
    return new Hypervector(dimension, words);
  }

  private void requireDimension(int other) {
    if (other != dimension) {
      throw new IllegalArgumentException(
          "hypervector dimensions differ: bundle has " + dimension + ", got " + other);
    }
  }
}
