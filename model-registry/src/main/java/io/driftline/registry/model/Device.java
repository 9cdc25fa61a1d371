package io.driftline.registry.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An enrolled device.
 *
 * @param deviceId id given at enrolment
 * @param deviceClass e.g. {@code mcu}, {@code phone}, {@code gateway}
 * @param student the student it runs, {@code name:version}
 * @param precisions precisions it can run ({@code FP32}, {@code INT8}, {@code BINARY})
 * @param ramBytes RAM
 * @param flashBytes flash
 * @param macsPerSecond compute
 * @param accelerator accelerator name
 * @param sensors its cameras
 * @param labels free labels; {@code domain} is the cohort domain
 * @param status {@code ACTIVE} or {@code REVOKED}
 * @param enrolledAt when it enrolled
 * @param reported what it last reported (null: never)
 */
public record Device(
    String deviceId,
    String deviceClass,
    String student,
    List<String> precisions,
    long ramBytes,
    long flashBytes,
    long macsPerSecond,
    @Nullable String accelerator,
    List<Sensor> sensors,
    Map<String, String> labels,
    String status,
    Instant enrolledAt,
    @Nullable ReportedState reported) {

  /**
   * A camera of a device.
   *
   * @param id sensor id
   * @param kind e.g. {@code camera}
   * @param width pixels
   * @param height pixels
   * @param channels 1 (grey) to 4
   */
  public record Sensor(String id, String kind, int width, int height, int channels) {}

  /**
   * What a device last reported.
   *
   * @param activeBundle the bundle it runs, {@code name:version}
   * @param health its health summary
   * @param reportedAt when
   */
  public record ReportedState(
      @Nullable String activeBundle, Map<String, Object> health, Instant reportedAt) {}
}
