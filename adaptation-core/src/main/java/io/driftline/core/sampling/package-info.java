/**
 * Uncertainty-guided sampling (UGS): per window of frames, the few most informative ones to upload
 * under a frame-fraction and a bytes-per-second budget, skipping near-duplicates.
 */
@NullMarked
package io.driftline.core.sampling;

import org.jspecify.annotations.NullMarked;
