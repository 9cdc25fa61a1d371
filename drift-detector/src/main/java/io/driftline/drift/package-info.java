/** Per-device sequential change detection on telemetry, drift incidents. */
@NullMarked
package io.driftline.drift;

import org.jspecify.annotations.NullMarked;
