/**
 * JMH benchmarks of the device path (student inference, prompt, uncertainty, HDC, routing,
 * adaptors, sampling), reported as ratios to bare ONNX inference measured in the same run.
 */
@NullMarked
package io.driftline.benchmarks;

import org.jspecify.annotations.NullMarked;
