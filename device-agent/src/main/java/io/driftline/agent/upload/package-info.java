/** Per-window uncertainty-guided sample upload and telemetry windows. */
@NullMarked
package io.driftline.agent.upload;

import org.jspecify.annotations.NullMarked;
