/** Continual scenarios: scenario files (segments, recurrences, transitions, device schedules) and the frame streams they describe. */
@NullMarked
package io.driftline.core.scenario;

import org.jspecify.annotations.NullMarked;
