package io.driftline.teacher.pipeline;

import io.driftline.core.update.Precision;
import io.driftline.teacher.adapt.AdaptorBudget;
import org.jspecify.annotations.Nullable;

/**
 * One bundle an adaptation emits for a precision and budget class of the cohort's devices
 * ({@link AdaptationPipeline#adaptVariants}).
 *
 * @param bundleId id of the bundle to produce
 * @param version its version (non-negative)
 * @param precision the weight precision of every adaptor layer in the bundle
 * @param budget what the devices of the class afford per domain adaptor; the adaptor is then chosen by
 *     {@link io.driftline.teacher.adapt.ZeroShotAdaptorChooser} within the budget at {@code precision}
 *     (a domain without a fitting adaptor ships its prompt only); null uses the config's
 *     {@link AdaptorChooser}
 */
public record Variant(String bundleId, long version, Precision precision, @Nullable AdaptorBudget budget) {

  /** Checks the id and version. */
  public Variant {
    if (bundleId.isBlank()) {
      throw new IllegalArgumentException("variant needs a non-blank bundle id");
    }
    if (version < 0) {
      throw new IllegalArgumentException("variant " + bundleId + " has version " + version + "; it must be >= 0");
    }
  }
}
