package io.driftline.core.random;

/**
 * The SplitMix64 generator (Steele, Lea and Flood; Vigna's reference constants) and its output
 * function, written out here so that a stored seed gives the same values on any JVM or in any other
 * language, which {@link java.util.SplittableRandom}'s unspecified algorithm would not promise.
 *
 * <p>{@link #mix(long)} is the one place the project hashes seeds: packages that derive a seed from
 * several inputs (seed, frame index, device id) combine them their own way and finish with it.
 * Instances are not thread-safe; {@link #mix(long)} is a pure function.
 */
public final class SplitMix64 {

  /** The golden-ratio increment SplitMix64 adds to its state before every output. */
  public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  /** Creates a generator whose first output is {@code mix(seed + GOLDEN_GAMMA)}. */
  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** Returns the next 64 pseudo-random bits. */
  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  /**
   * Returns SplitMix64's output function of {@code z} (Stafford's variant 13 of the MurmurHash3
   * finaliser): a bijection of the 64-bit values that spreads a one-bit change over all bits, so
   * neighbouring seeds or indices give unrelated results.
   */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
