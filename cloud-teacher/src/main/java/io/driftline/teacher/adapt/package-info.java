/**
 * Adaptation science: closed-form ridge adaptors on random-projection features (RanPAC-style) with
 * incremental statistics, small MLP adaptors trained by SGD, the zero-shot choice of adaptor kind,
 * size, ridge strength and precision within a device budget (closed-form leave-one-out), export at
 * FP32/INT8/BINARY with the accuracy cost measured, visual prompt learning (VPLU) and the
 * no-regression gate that decides whether a bundle ships.
 *
 * <p>Everything learned here is produced as the device-side types of {@code io.driftline.core.update}
 * ({@code Adaptor}, {@code DomainAdaptor}, {@code VisualPrompt}), so what the teacher evaluates is
 * exactly what a device applies.
 */
@NullMarked
package io.driftline.teacher.adapt;

import org.jspecify.annotations.NullMarked;
