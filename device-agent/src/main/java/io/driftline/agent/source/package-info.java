/** Pluggable frame sources: scenario stream with ground truth, folder watch and IDX replay. */
@NullMarked
package io.driftline.agent.source;

import org.jspecify.annotations.NullMarked;
