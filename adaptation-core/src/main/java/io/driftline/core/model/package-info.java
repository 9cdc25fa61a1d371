/**
 * The on-device ONNX "student": loading and signature checks, preprocessing, batched inference of
 * features and logits, model surgery to expose a features output, and synthetic students for tests
 * and benchmarks.
 */
@NullMarked
package io.driftline.core.model;

import org.jspecify.annotations.NullMarked;
