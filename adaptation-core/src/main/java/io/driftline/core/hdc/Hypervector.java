package io.driftline.core.hdc;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A binary hypervector of {@code dimension} bits packed little-endian into {@code long} words (bit
 * {@code i} is bit {@code i % 64} of word {@code i / 64}; unused high bits of the last word are zero).
 *
 * <p>A hypervector is immutable: the constructor copies nothing (encoders hand over fresh arrays),
 * but {@link #words()} returns a copy, so a cached prototype cannot be changed through it.
 *
 * @param dimension number of bits
 * @param words packed bits, {@code ceil(dimension / 64)} words
 */
public record Hypervector(int dimension, long[] words) {

  /**
   * Largest dimension Driftline's encoders, memories and event formats accept: 2^20 bits (128 KiB),
   * a hundred times the default, so that a hostile file or record cannot make them allocate gigabytes.
   */
  public static final int MAX_DIMENSION = 1 << 20;

  /** Checks that the word count fits the dimension and the padding bits are clear. */
  public Hypervector {
    if (dimension <= 0) {
      throw new IllegalArgumentException("hypervector dimension must be positive, got " + dimension);
    }
    if (words.length != wordsFor(dimension)) {
      throw new IllegalArgumentException(
          "a " + dimension + "-bit hypervector needs " + wordsFor(dimension) + " words, got " + words.length);
    }
    int tail = dimension % 64;
    if (tail != 0 && (words[words.length - 1] >>> tail) != 0) {
      throw new IllegalArgumentException("bits above dimension " + dimension + " must be zero");
    }
  }

  /** Returns a copy of the packed bits. */
  @Override
  public long[] words() {
    return words.clone();
  }

  /** Returns the packed word at {@code index} without copying the array. */
  public long word(int index) {
    return words[index];
  }

  /** Number of {@code long} words in this vector. */
  public int wordCount() {
    return words.length;
  }

  /** Number of {@code long} words needed for {@code dimension} bits (no overflow up to 2^31 - 1). */
  public static int wordsFor(int dimension) {
    return (int) ((dimension + 63L) / 64);
  }

  /** Returns the bit at {@code index}. */
  public boolean bit(int index) {
    if (index < 0 || index >= dimension) {
      throw new IndexOutOfBoundsException("bit " + index + " of " + dimension);
    }
    return (words[index >>> 6] >>> (index & 63) & 1L) != 0;
  }

  /** Number of set bits. */
  public int popCount() {
    int count = 0;
    for (long w : words) {
      count += Long.bitCount(w);
    }
    return count;
  }

  /** Number of differing bits; both vectors must have the same dimension. */
  public int hamming(Hypervector other) {
    requireSameDimension(other);
    int distance = 0;
    for (int i = 0; i < words.length; i++) {
      distance += Long.bitCount(words[i] ^ other.words[i]);
    }
    return distance;
  }

  /** Hamming similarity in [0,1]: 1 for identical vectors, about 0.5 for unrelated random ones. */
  public double hammingSimilarity(Hypervector other) {
    return 1.0 - (double) hamming(other) / dimension;
  }

  /**
   * Cosine similarity in [-1,1] of the bipolar (+1/-1) readings of both vectors: {@code 1 - 2h/D}.
   */
  public double cosine(Hypervector other) {
    return 1.0 - 2.0 * hamming(other) / dimension;
  }

  private void requireSameDimension(Hypervector other) {
    if (other.dimension != dimension) {
      throw new IllegalArgumentException(
          "hypervector dimensions differ: " + dimension + " vs " + other.dimension);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Hypervector other
        && other.dimension == dimension
        && Arrays.equals(words, other.words);
  }

  @Override
  public int hashCode() {
    return 31 * dimension + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return "Hypervector[" + dimension + " bits, " + popCount() + " set]";
  }
}
