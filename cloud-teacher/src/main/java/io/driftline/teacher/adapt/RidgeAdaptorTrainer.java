package io.driftline.teacher.adapt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Closed-form ridge adaptors on random-projection features (RanPAC-style), one per domain plus a
 * shared head over every domain.
 *
 * <p>Samples are folded into per-domain {@link RidgeStatistics}; nothing else is kept. A domain's
 * head depends only on its own statistics, so adding a domain never changes another domain's
 * adaptor. The shared head solves the sum of all statistics, i.e. the joint ridge problem over
 * every sample seen, so old domains stay in its objective (no forgetting by construction; how much
 * its predictions on old data move is measured in the tests). Not thread-safe.
 */
public final class RidgeAdaptorTrainer {

  private final RandomProjection projection;
  private final float[][] matrix;
  private final int classes;
  private final double lambda;
  private final Map<String, RidgeStatistics> domains = new TreeMap<>();

  /**
   * Creates a trainer.
   *
   * @param projection the fixed random projection (its seed goes into the lineage)
   * @param classes number of classes K
   * @param lambda ridge strength relative to the total sample weight, {@code > 0}
   */
  public RidgeAdaptorTrainer(RandomProjection projection, int classes, double lambda) {
    if (!(lambda > 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("ridge lambda must be finite and > 0, got " + lambda);
    }
    if (classes < 2) {
      throw new IllegalArgumentException("need >= 2 classes, got " + classes);
    }
    this.projection = projection;
    this.matrix = projection.matrix();
    this.classes = classes;
    this.lambda = lambda;
  }

  /**
   * Adds soft-labelled samples of one domain.
   *
   * @param domainId the domain (non-blank)
   * @param features student feature vectors
   * @param targets one target per sample: one-hot or the teacher's probabilities
   * @param weights one weight per sample (for example the pseudo-label weight)
   */
  public void add(String domainId, float[][] features, float[][] targets, double[] weights) {
    if (domainId.isBlank()) {
      throw new IllegalArgumentException("domain id must not be blank");
    }
    if (features.length != targets.length || features.length != weights.length) {
      throw new IllegalArgumentException(
          features.length + " feature vectors, " + targets.length + " targets and "
              + weights.length + " weights: counts must match");
    }
    RidgeStatistics stats =
        domains.computeIfAbsent(domainId, d -> new RidgeStatistics(projection.outputSize(), classes));
    for (int i = 0; i < features.length; i++) {
      stats.add(projection.project(matrix, features[i]), targets[i], weights[i]);
    }
  }

  /** Adds hard-labelled samples of one domain with weight 1. */
  public void addLabelled(String domainId, float[][] features, int[] labels) {
    float[][] targets = new float[labels.length][];
    double[] weights = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " at sample " + i + " is outside [0, " + classes + ")");
      }
      targets[i] = new float[classes];
      targets[i][labels[i]] = 1f;
      weights[i] = 1;
    }
    add(domainId, features, targets, weights);
  }

  /** Domains seen so far, sorted. */
  public Set<String> domains() {
    return domains.keySet();
  }

  /**
   * Solves one domain's head from its own statistics.
   *
   * @throws IllegalArgumentException if the domain has no samples
   */
  public RidgeHead domainHead(String domainId) {
    RidgeStatistics stats = domains.get(domainId);
    if (stats == null) {
      throw new IllegalArgumentException("unknown domain '" + domainId + "', known: " + domains());
    }
    return new RidgeHead(matrix, stats.solve(lambda), stats, lambda);
  }

  /**
   * Solves the shared head over all domains (the sum of their statistics).
   *
   * @throws IllegalStateException if no sample was added
   */
  public RidgeHead sharedHead() {
    RidgeStatistics all = new RidgeStatistics(projection.outputSize(), classes);
    domains.values().forEach(all::merge);
    return new RidgeHead(matrix, all.solve(lambda), all, lambda);
  }

  /** Hyper-parameters and sample counts, as lineage entries ({@code adaptor.*}). */
  public Map<String, String> lineage() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("adaptor.kind", "ridge-random-projection");
    out.put("adaptor.projection.seed", Long.toString(projection.seed()));
    out.put("adaptor.projection.size", Integer.toString(projection.outputSize()));
    out.put("adaptor.lambda", Double.toString(lambda));
    domains.forEach(
        (d, s) -> out.put("adaptor.samples." + d, Long.toString(s.samples())));
    return out;
  }
}
