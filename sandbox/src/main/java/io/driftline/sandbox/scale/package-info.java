/**
 * The scale run: a thousand light simulated devices that speak the real protocols (enrolment over
 * the registry's REST API, {@code device.telemetry} and {@code device.samples} records built by the
 * device agent's own uploader, {@code fleet.desired-state}, verified bundle downloads, reported
 * state) against the real services, with per-frame inference replaced by per-frame results
 * computed once by the real student on the real scenario frames. {@link io.driftline.sandbox.scale.ScaleRun}
 * measures ingest rates, adaptation latency, rollout fan-out, catalog query latency, CPU and memory.
 */
@NullMarked
package io.driftline.sandbox.scale;

import org.jspecify.annotations.NullMarked;
