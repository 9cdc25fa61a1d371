/**
 * Helpers shared by the decoders' coverage-guided fuzz tests (Jazzer {@code @FuzzTest}, see
 * {@code docs/testing.md#fuzzing}): the allocation budget every decoder must keep on hostile input.
 */
@NullMarked
package io.driftline.core.fuzz;

import org.jspecify.annotations.NullMarked;
