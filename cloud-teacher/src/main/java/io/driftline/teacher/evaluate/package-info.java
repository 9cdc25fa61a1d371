/**
 * The {@code evaluate} command: the offline benchmark of issue 3 section 8. It replays a continual
 * scenario on held-out data, lets the device's UGS (or random sampling) choose uploads per domain,
 * adapts the student with {@link io.driftline.teacher.pipeline.AdaptationPipeline}, and measures
 * the adapted student on the domain's other frames; results go to JSON, PNG plots and Markdown
 * tables.
 */
@NullMarked
package io.driftline.teacher.evaluate;

import org.jspecify.annotations.NullMarked;
