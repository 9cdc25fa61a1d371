package io.driftline.core.hdc;

import java.util.Arrays;

/**
 * Out-of-distribution score of a hypervector against class prototypes, in {@code [0,1]}:
 *
 * <pre>{@code ood = clamp((ref - s) / (ref - 0.5), 0, 1)}</pre>
 *
 * where {@code s} is the Hamming similarity to the nearest class prototype and {@code ref} the
 * similarity that counts as fully in-distribution. Unrelated (random) codes sit at {@code s ≈ 0.5}
 * and score about 1; a code at or above {@code ref} scores 0. With the default {@code ref = 1} this
 * is {@code 2 (1 - s)}, i.e. {@code 1 - cosine}; {@link #calibrated} sets {@code ref} to the median
 * nearest-prototype similarity of clean samples, so typical clean frames score near 0 rather than at
 * the (encoder-dependent) distance of a sample from its class mean. The scorer reads the memory's
 * current prototypes, so it follows updates to the memory.
 */
public final class OodScorer {

  /** Expected Hamming similarity of unrelated hypervectors. */
  public static final double RANDOM_SIMILARITY = 0.5;

  private final PrototypeMemory classPrototypes;
  private final double referenceSimilarity;

  /** Creates a scorer with reference similarity 1 ({@code ood = 1 - cosine} to the nearest class). */
  public OodScorer(PrototypeMemory classPrototypes) {
    this(classPrototypes, 1.0);
  }

  /**
   * Creates a scorer with the given reference similarity.
   *
   * @throws IllegalArgumentException if {@code referenceSimilarity} is not in {@code (0.5, 1]}
   */
  public OodScorer(PrototypeMemory classPrototypes, double referenceSimilarity) {
    if (!(referenceSimilarity > RANDOM_SIMILARITY && referenceSimilarity <= 1.0)) {
      throw new IllegalArgumentException(
          "referenceSimilarity must be in (0.5, 1], got " + referenceSimilarity);
    }
    this.classPrototypes = classPrototypes;
    this.referenceSimilarity = referenceSimilarity;
  }

  /**
   * Creates a scorer whose reference similarity is the median nearest-prototype similarity of clean
   * (in-distribution) hypervectors, so that half of clean data scores 0.
   *
   * @throws IllegalArgumentException if there are no clean samples, or their median similarity is
   *     not above 0.5 (the prototypes then carry no information about the clean data)
   * @throws IllegalStateException if the memory is empty
   */
  public static OodScorer calibrated(PrototypeMemory classPrototypes, Iterable<Hypervector> cleanSamples) {
    double[] similarities = new double[16];
    int n = 0;
    for (Hypervector hv : cleanSamples) {
      if (n == similarities.length) {
        similarities = Arrays.copyOf(similarities, 2 * n);
      }
      similarities[n++] = nearestSimilarity(classPrototypes, hv);
    }
    if (n == 0) {
      throw new IllegalArgumentException("cleanSamples is empty; calibrate on encoded clean data");
    }
    Arrays.sort(similarities, 0, n);
    double median = n % 2 == 1
        ? similarities[n / 2]
        : 0.5 * (similarities[n / 2 - 1] + similarities[n / 2]);
    if (!(median > RANDOM_SIMILARITY)) {
      throw new IllegalArgumentException("median similarity of clean samples to their nearest class "
          + "prototype is " + median + ", not above 0.5: the prototypes do not describe this data");
    }
    return new OodScorer(classPrototypes, median);
  }

  /**
   * Returns the OOD score of {@code hv} in {@code [0,1]}.
   *
   * @throws IllegalStateException if the class memory is empty
   * @throws IllegalArgumentException if the dimension differs from the memory's
   */
  public double score(Hypervector hv) {
    return score(nearestSimilarity(classPrototypes, hv), referenceSimilarity);
  }

  /**
   * Returns {@code clamp((ref - s) / (ref - 0.5), 0, 1)} for a nearest-prototype similarity {@code s}.
   *
   * @throws IllegalArgumentException if {@code s} is not in {@code [0,1]} or {@code ref} not in
   *     {@code (0.5, 1]}
   */
  public static double score(double nearestSimilarity, double referenceSimilarity) {
    if (!(nearestSimilarity >= 0 && nearestSimilarity <= 1)) {
      throw new IllegalArgumentException("nearestSimilarity must be in [0,1], got " + nearestSimilarity);
    }
    if (!(referenceSimilarity > RANDOM_SIMILARITY && referenceSimilarity <= 1.0)) {
      throw new IllegalArgumentException(
          "referenceSimilarity must be in (0.5, 1], got " + referenceSimilarity);
    }
    double ood = (referenceSimilarity - nearestSimilarity) / (referenceSimilarity - RANDOM_SIMILARITY);
    return Math.max(0.0, Math.min(1.0, ood));
  }

  /** The similarity that counts as fully in-distribution. */
  public double referenceSimilarity() {
    return referenceSimilarity;
  }

  /** The class prototypes scored against. */
  public PrototypeMemory classPrototypes() {
    return classPrototypes;
  }

  private static double nearestSimilarity(PrototypeMemory memory, Hypervector hv) {
    return memory.nearest(hv)
        .orElseThrow(() -> new IllegalStateException(
            "class prototype memory is empty; add encoded training samples before scoring"))
        .similarity();
  }
}
