package io.driftline.registry.api;

import io.driftline.registry.model.FleetEntry;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.TelemetryPoint;
import io.driftline.registry.store.TelemetryStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The fleet overview and each device's telemetry history, for the console. */
@RestController
@Tag(name = "telemetry", description = "Recent telemetry windows per device (from device.telemetry) and the fleet's health")
class TelemetryResource {

  private final TelemetryStore telemetry;

  TelemetryResource(TelemetryStore telemetry) {
    this.telemetry = telemetry;
  }

  @GetMapping("/api/v1/devices/{deviceId}/telemetry")
  @Operation(summary = "A device's newest telemetry windows, in the order they arrived",
      description = "confidenceProxy is 1 - meanEntropy/ln(classes), not accuracy. limit defaults to (and may not exceed) "
          + "driftline.registry.telemetry.keep-per-device, the number of windows kept per device.")
  DeviceTelemetry telemetry(@PathVariable String deviceId, @RequestParam(required = false) @Nullable Integer limit) {
    return new DeviceTelemetry(deviceId, telemetry.recent(deviceId, limit));
  }

  @GetMapping("/api/v1/fleet")
  @Operation(summary = "Every device with its desired and reported bundle and telemetry health, in enrolment order")
  Page<FleetEntry> fleet(@RequestParam(required = false) @Nullable String cursor,
      @RequestParam(defaultValue = "50") int limit) {
    return telemetry.fleet(cursor, limit);
  }

  @GetMapping("/api/v1/fleet/{deviceId}")
  @Operation(summary = "One device with its desired and reported bundle and telemetry health")
  FleetEntry fleetEntry(@PathVariable String deviceId) {
    return telemetry.fleetEntry(deviceId);
  }

  /**
   * A device's telemetry.
   *
   * @param deviceId the device
   * @param items its newest windows, in the order they arrived (numbers start again at 0 after a device restart)
   */
  record DeviceTelemetry(String deviceId, List<TelemetryPoint> items) {}
}
