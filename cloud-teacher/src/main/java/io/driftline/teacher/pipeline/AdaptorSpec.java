package io.driftline.teacher.pipeline;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What adaptor to train: a ridge head on {@code randomFeatures} random ReLU features of the prompted
 * student's features (see {@link io.driftline.teacher.adapt.RidgeAdaptorTrainer}).
 *
 * <p>With {@code residual} the head is fitted to the correction {@code log p_teacher − log_softmax(student)}
 * and exported as a residual device adaptor (final logits = student logits + adaptor logits), so
 * the ridge penalty shrinks it towards the student's own head: with a handful of uploads the student
 * keeps what it knew. Without it the head replaces the student's (RanPAC style) and is fitted to the
 * teacher's soft labels.
 *
 * @param randomFeatures M, the width of the random projection
 * @param lambda ridge strength relative to the total sample weight
 * @param projectionSeed seed of the random projection
 * @param residual fit a correction of the student's logits instead of replacing them
 * @param chosenBy who chose the spec ({@code fixed-defaults}, or a chooser's name), for the lineage
 */
public record AdaptorSpec(int randomFeatures, double lambda, long projectionSeed, boolean residual, String chosenBy) {

  /**
   * Default random features: 256 keeps one fp32 domain adaptor (the stored 256×F projection plus the
   * head, about 140 KB for 128 features) within the device agent's default 256 KiB adaptor budget.
   */
  public static final int DEFAULT_RANDOM_FEATURES = 256;

  /** Default ridge strength. */
  public static final double DEFAULT_LAMBDA = 0.1;

  /** Default projection seed. */
  public static final long DEFAULT_PROJECTION_SEED = 7;

  /** Checks the values. */
  public AdaptorSpec {
    if (randomFeatures <= 0) {
      throw new IllegalArgumentException("adaptor random features must be positive, got " + randomFeatures);
    }
    if (!(lambda > 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("adaptor lambda must be finite and > 0, got " + lambda);
    }
    if (chosenBy.isBlank()) {
      throw new IllegalArgumentException("adaptor spec needs a non-blank chosenBy");
    }
  }

  /** The fixed defaults: 256 random features, λ = 0.1, seed 7, residual. */
  public static AdaptorSpec defaults() {
    return new AdaptorSpec(DEFAULT_RANDOM_FEATURES, DEFAULT_LAMBDA, DEFAULT_PROJECTION_SEED, true, "fixed-defaults");
  }

  /** Lineage entries ({@code adaptor.spec.*}, {@code adaptor.choice}). */
  public Map<String, String> lineage() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("adaptor.choice", chosenBy);
    out.put("adaptor.spec.randomFeatures", Integer.toString(randomFeatures));
    out.put("adaptor.spec.lambda", String.format(Locale.ROOT, "%s", lambda));
    out.put("adaptor.spec.projectionSeed", Long.toString(projectionSeed));
    out.put("adaptor.spec.residual", Boolean.toString(residual));
    return out;
  }
}
