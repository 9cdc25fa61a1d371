/**
 * Per-device drift state and the incident life cycle: detection on each telemetry window, the KS
 * confirmation, open / adapting / recovered / failed, one open incident per device and domain, and
 * the grouping of similar incidents across devices.
 */
@NullMarked
package io.driftline.drift.incident;

import org.jspecify.annotations.NullMarked;
