package io.driftline.registry.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One device as the console's fleet page shows it.
 *
 * @param deviceId the device
 * @param deviceClass its class
 * @param student the student it runs, {@code name:version}
 * @param domain its {@code domain} label, or null
 * @param status {@code ACTIVE} or {@code REVOKED}
 * @param desiredBundle the bundle it should run, {@code name:version}, or null if none was set
 * @param desiredGeneration the generation of that desired state (0: none)
 * @param desiredRolloutId the rollout that set it, or null (set for this device alone, or by a rollback)
 * @param reportedBundle the bundle it last reported running, or null
 * @param reportedAt when it last reported its state, or null (never)
 * @param lastTelemetryAt when the registry last stored a telemetry window of it, or null (never)
 * @param lastWindowSeq the sequence number of the newest window stored (by arrival), or null
 * @param health {@link Health#OK} if a window arrived within
 *     {@code driftline.registry.telemetry.stale-after}, {@link Health#STALE} if not, {@link Health#NEVER}
 *     if none ever did
 */
public record FleetEntry(
    String deviceId,
    String deviceClass,
    String student,
    @Nullable String domain,
    String status,
    @Nullable String desiredBundle,
    long desiredGeneration,
    @Nullable Long desiredRolloutId,
    @Nullable String reportedBundle,
    @Nullable Instant reportedAt,
    @Nullable Instant lastTelemetryAt,
    @Nullable Long lastWindowSeq,
    Health health) {

  /** Whether telemetry is arriving. */
  public enum Health {
    /** A window arrived recently. */
    OK,
    /** The newest window is older than the stale limit. */
    STALE,
    /** No window was ever stored. */
    NEVER
  }
}
