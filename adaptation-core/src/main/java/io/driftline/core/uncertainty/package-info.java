/**
 * Uncertainty of a classifier's prediction read from its logits (entropy, margin, energy) and the
 * percentile calibration that makes thresholds carry across models.
 */
@NullMarked
package io.driftline.core.uncertainty;

import org.jspecify.annotations.NullMarked;
