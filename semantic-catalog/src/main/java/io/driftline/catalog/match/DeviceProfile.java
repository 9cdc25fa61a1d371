package io.driftline.catalog.match;

import io.driftline.catalog.vocab.VersionRef;
import io.driftline.core.update.Precision;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What matchmaking needs to know of a device, read from its graphs.
 *
 * @param deviceId the device id
 * @param deviceClass hardware class (mcu, phone, gateway, ...)
 * @param student the student version it was enrolled with
 * @param precisions the weight precisions it runs
 * @param ramBytes working memory for the model runtime
 * @param flashBytes storage for the student and bundles
 * @param macsPerSecond sustained compute
 * @param accelerator accelerator name, or null
 * @param sensors its sensors
 * @param revoked whether its enrolment was revoked (never matched then)
 */
public record DeviceProfile(
    String deviceId,
    String deviceClass,
    @Nullable VersionRef student,
    Set<Precision> precisions,
    long ramBytes,
    long flashBytes,
    long macsPerSecond,
    @Nullable String accelerator,
    List<Sensor> sensors,
    boolean revoked) {

  /** Copies the collections. */
  public DeviceProfile {
    precisions = Set.copyOf(precisions);
    sensors = List.copyOf(sensors);
  }

  /**
   * A sensor of a device.
   *
   * @param id sensor id
   * @param kind kind, such as camera
   * @param width frame width in pixels
   * @param height frame height in pixels
   * @param channels channels per pixel
   */
  public record Sensor(String id, String kind, long width, long height, long channels) {

    /** A short name such as {@code camera 96x96x3}, used by the inventory. */
    public String shape() {
      return kind + " " + width + "x" + height + "x" + channels;
    }
  }
}
