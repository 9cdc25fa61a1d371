/**
 * Applying cloud updates on the device: the visual prompt on input pixels, quantized adaptor heads
 * on student features, and routing each frame to the adaptor of its closest domain.
 */
@NullMarked
package io.driftline.core.update;

import org.jspecify.annotations.NullMarked;
