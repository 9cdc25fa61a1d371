/**
 * The end-to-end adaptation pipeline: uploaded samples → teacher pseudo-labels → visual prompt →
 * per-domain adaptors on the prompted student's features → HDC domain prototypes → quantization →
 * no-regression gate → a signed bundle with its lineage; plus {@link
 * io.driftline.teacher.pipeline.DeviceReplay}, which applies a bundle the way a device does.
 */
@NullMarked
package io.driftline.teacher.pipeline;

import org.jspecify.annotations.NullMarked;
