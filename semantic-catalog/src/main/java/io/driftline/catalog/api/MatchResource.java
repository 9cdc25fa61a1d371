package io.driftline.catalog.api;

import io.driftline.catalog.config.CatalogProperties;
import io.driftline.catalog.match.Matchmaker;
import io.driftline.catalog.match.Matchmaker.ArtefactMatch;
import io.driftline.catalog.match.Matchmaker.DeviceMatch;
import io.driftline.catalog.vocab.VersionRef;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Matchmaking both ways (artefact to devices, device to students and adaptor budgets) and fleet inventory. */
@RestController
@RequestMapping("/catalog")
class MatchResource {

  private final Matchmaker matchmaker;
  private final int maxListed;
  private final Timer artefactTimer;
  private final Timer deviceTimer;

  MatchResource(Matchmaker matchmaker, CatalogProperties properties, MeterRegistry meters) {
    this.matchmaker = matchmaker;
    this.maxListed = properties.matchmaking().maxDevicesListed();
    this.artefactTimer = Timer.builder("driftline.catalog.match").tag("direction", "artefact-to-devices")
        .register(meters);
    this.deviceTimer = Timer.builder("driftline.catalog.match").tag("direction", "device-to-students")
        .register(meters);
  }

  /** Devices that can run the version {@code ref} ({@code name:version}). */
  @GetMapping("/match/artefacts/{ref}/devices")
  ArtefactMatch devicesFor(@PathVariable String ref, @RequestParam(defaultValue = "100") int limit) {
    if (limit < 0 || limit > maxListed) {
      throw new IllegalArgumentException("limit must be in [0, " + maxListed + "], got " + limit);
    }
    VersionRef version = VersionRef.parse(ref);
    ArtefactMatch match = artefactTimer.record(() -> matchmaker.devicesFor(version, limit));
    if (match == null) {
      throw new NotInCatalogException("no model version '" + version + "' in the catalog");
    }
    return match;
  }

  /** Students (with the adaptor budget each leaves) and bundles that fit the device. */
  @GetMapping("/match/devices/{deviceId}")
  DeviceMatch fitFor(@PathVariable String deviceId) {
    DeviceMatch match = deviceTimer.record(() -> matchmaker.fitFor(deviceId));
    if (match == null) {
      throw new NotInCatalogException("no device '" + deviceId + "' in the catalog");
    }
    return match;
  }

  /** Active devices by class, sensor shape, precision and student. */
  @GetMapping("/inventory")
  Matchmaker.Inventory inventory() {
    return matchmaker.inventory();
  }
}
