package io.driftline.registry.api;

import io.driftline.core.events.DesiredState;
import io.driftline.registry.model.Device;
import io.driftline.registry.model.Device.ReportedState;
import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegistryException;
import io.driftline.registry.security.Caller;
import io.driftline.registry.store.DeploymentStore;
import io.driftline.registry.store.DeviceStore;
import io.driftline.registry.store.DeviceStore.Description;
import io.driftline.registry.store.DeviceStore.Enrolment;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Enrols devices, and serves and records their desired and reported state. */
@RestController
@RequestMapping("/api/v1/devices")
@Tag(name = "devices", description = "Enrolment, reported state and desired state; a device token sees only its own device")
class DeviceResource {

  private final DeviceStore devices;
  private final DeploymentStore deployments;

  DeviceResource(DeviceStore devices, DeploymentStore deployments) {
    this.devices = devices;
    this.deployments = deployments;
  }

  @PostMapping
  @Operation(summary = "Enrol a device", description = "Returns its id and bearer token. The token is "
      + "shown only here (the registry keeps its SHA-256).")
  ResponseEntity<Enrolment> enrol(@AuthenticationPrincipal Caller caller, @RequestBody Description description) {
    Enrolment enrolment = devices.enrol(caller.name(), description);
    return ResponseEntity.created(URI.create("/api/v1/devices/" + enrolment.deviceId())).body(enrolment);
  }

  @GetMapping
  @Operation(summary = "List devices in enrolment order")
  Page<Device> list(@RequestParam(required = false) @Nullable String deviceClass,
      @RequestParam(required = false) @Nullable String student,
      @RequestParam(required = false) @Nullable String domain,
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int limit) {
    return devices.list(deviceClass, student, domain, status, cursor, limit);
  }

  @GetMapping("/{deviceId}")
  @Operation(summary = "Get a device with its reported state")
  Device get(@AuthenticationPrincipal Caller caller, @PathVariable String deviceId) {
    caller.requireDeviceOrStaff(deviceId);
    return devices.get(deviceId);
  }

  @DeleteMapping("/{deviceId}")
  @Operation(summary = "Revoke a device (admin)", description = "Its token stops working; a tombstone is "
      + "published on fleet.desired-state.")
  Device revoke(@AuthenticationPrincipal Caller caller, @PathVariable String deviceId) {
    return devices.revoke(caller.name(), deviceId);
  }

  @PutMapping("/{deviceId}/reported-state")
  @Operation(summary = "Report what the device runs and how it is")
  ReportedState report(@AuthenticationPrincipal Caller caller, @PathVariable String deviceId,
      @RequestBody Report report) {
    caller.requireDeviceOrStaff(deviceId);
    return devices.report(caller.name(), deviceId, report.activeBundle(),
        report.health() == null ? Map.of() : report.health());
  }

  @GetMapping("/{deviceId}/desired-state")
  @Operation(summary = "Get the bundle the device should run",
      description = "The same record as on fleet.desired-state; 404 if none was set.")
  DesiredState desired(@AuthenticationPrincipal Caller caller, @PathVariable String deviceId) {
    caller.requireDeviceOrStaff(deviceId);
    devices.get(deviceId);
    return deployments.desired(deviceId).orElseThrow(() -> RegistryException.notFound(
        "device '" + deviceId + "' has no desired state yet"));
  }

  @PutMapping("/{deviceId}/desired-state")
  @Operation(summary = "Set the bundle one device should run")
  DesiredState setDesired(@AuthenticationPrincipal Caller caller, @PathVariable String deviceId,
      @RequestBody SetDesired request) {
    return deployments.setDesired(caller.name(), deviceId, request.bundle());
  }

  /**
   * A state report.
   *
   * @param activeBundle the bundle the device runs, {@code name:version}
   * @param health its health summary
   */
  record Report(@Nullable String activeBundle, @Nullable Map<String, Object> health) {}

  /**
   * A desired bundle.
   *
   * @param bundle {@code name:version} of a READY bundle version
   */
  record SetDesired(@NotBlank String bundle) {}
}
