package io.driftline.registry.model;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A bundle rolled out to a cohort of devices.
 *
 * @param id rollout id
 * @param bundle the bundle version, {@code name:version}
 * @param cohort which devices
 * @param status {@code ACTIVE} or {@code ROLLED_BACK}
 * @param deviceCount devices whose desired state it set
 * @param createdAt when
 * @param createdBy who
 * @param rolledBackAt when it was rolled back
 * @param rolledBackBy who rolled it back
 */
public record Rollout(
    long id,
    String bundle,
    Cohort cohort,
    String status,
    int deviceCount,
    Instant createdAt,
    String createdBy,
    @Nullable Instant rolledBackAt,
    @Nullable String rolledBackBy) {

  /**
   * The devices a rollout targets: active devices matching every given field.
   *
   * @param deviceClass device class
   * @param student student, {@code name:version}
   * @param domain the device label {@code domain}
   * @param deviceIds explicit device ids (at most {@link #MAX_DEVICE_IDS}), for example the devices of
   *     a drift-incident cohort; every id must be enrolled
   */
  public record Cohort(@Nullable String deviceClass, @Nullable String student, @Nullable String domain,
      @Nullable List<String> deviceIds) {

    /** The most device ids one rollout may name; the list travels in one request and one audit entry. */
    public static final int MAX_DEVICE_IDS = 10_000;

    /** Returns whether no field is set (which would target the whole fleet: refused). */
    public boolean isEmpty() {
      return deviceClass == null && student == null && domain == null && deviceIds == null;
    }
  }
}
