package io.driftline.sandbox.report;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything one sandbox run measured, as written to {@code report.json} and drawn in
 * {@code report.html}. Times within the run are seconds since {@link #startedAt()}.
 *
 * @param scenario the scenario's name
 * @param startedAt when the devices started playing the scenario
 * @param finishedAt when the run ended
 * @param windowFrames frames per telemetry window (one point per window in the series)
 * @param devices one entry per simulated device
 * @param incidents drift incidents the detector opened during the run
 * @param adaptations bundles that reached a device (installed and active)
 * @param notes free-text lines for the report's header (settings, warnings)
 */
public record SandboxReport(
    String scenario,
    Instant startedAt,
    Instant finishedAt,
    int windowFrames,
    List<DeviceRun> devices,
    List<IncidentMark> incidents,
    List<AdaptationMark> adaptations,
    List<String> notes) {

  /**
   * One simulated device.
   *
   * @param deviceId the registry's device id
   * @param name the scenario stream it plays (e.g. {@code cam-street})
   * @param deviceClass its class (e.g. {@code mcu})
   * @param student the student it runs, {@code name:version}
   * @param precisions precisions it runs (e.g. {@code [INT8, BINARY]})
   * @param adaptorBudgetBytes memory budget for installed adaptors
   * @param windows one point per telemetry window, in order
   * @param bundles which bundle was active when, in order
   * @param bytesUploaded sample bytes the device sent
   * @param bytesDownloaded bundle bytes the device downloaded
   * @param samplesUploaded samples the device sent
   * @param desiredBundle the bundle the registry wants on the device at the end, or null
   * @param reportedBundle the bundle the device reported at the end, or null
   */
  public record DeviceRun(
      String deviceId,
      String name,
      String deviceClass,
      String student,
      List<String> precisions,
      long adaptorBudgetBytes,
      List<WindowPoint> windows,
      List<BundleSpan> bundles,
      long bytesUploaded,
      long bytesDownloaded,
      long samplesUploaded,
      @Nullable String desiredBundle,
      @Nullable String reportedBundle) {}

  /**
   * One telemetry window of one device: the adapted device and its shadow (the same student with
   * no adaptation) on the same frames with ground truth.
   *
   * @param seq window number on this device, from 0
   * @param endSeconds when the window's last frame was processed
   * @param frames frames in the window
   * @param correctAdapted frames the device (with its active bundle) classified correctly
   * @param correctShadow frames the shadow student classified correctly
   * @param domain the domain tag most frames of the window came from (e.g. {@code fog@3})
   * @param bundle the bundle active at the window's end, or null (bare student)
   */
  public record WindowPoint(
      long seq,
      double endSeconds,
      int frames,
      int correctAdapted,
      int correctShadow,
      String domain,
      @Nullable String bundle) {

    /** Accuracy with adaptation in [0,1]. */
    public double adaptedAccuracy() {
      return frames == 0 ? 0 : (double) correctAdapted / frames;
    }

    /** Accuracy of the shadow (no adaptation) in [0,1]. */
    public double shadowAccuracy() {
      return frames == 0 ? 0 : (double) correctShadow / frames;
    }
  }

  /**
   * A stretch of time during which one bundle was active on a device.
   *
   * @param bundle {@code name:version}, or null for the bare student
   * @param fromSeconds when it became active
   * @param toSeconds when it stopped being active (the run's end if still active)
   */
  public record BundleSpan(@Nullable String bundle, double fromSeconds, double toSeconds) {}

  /**
   * A drift incident.
   *
   * @param incidentId its id
   * @param deviceId the device
   * @param openedSeconds when it was opened
   * @param closedSeconds when it ended (recovered or failed), or null if still open at the end
   * @param finalState the last state seen (OPEN, ADAPTING, RECOVERED, FAILED)
   * @param statistic what fired (e.g. {@code oodScore.mean})
   */
  public record IncidentMark(
      String incidentId,
      String deviceId,
      double openedSeconds,
      @Nullable Double closedSeconds,
      String finalState,
      String statistic) {}

  /**
   * A bundle that became active on a device.
   *
   * @param deviceId the device
   * @param bundle {@code name:version}
   * @param incidentId the incident it answers, or null if not known
   * @param incidentOpenedSeconds when that incident opened, or null
   * @param activeSeconds when the device switched to it
   * @param bytes its size in bytes
   */
  public record AdaptationMark(
      String deviceId,
      String bundle,
      @Nullable String incidentId,
      @Nullable Double incidentOpenedSeconds,
      double activeSeconds,
      long bytes) {

    /** Seconds from the incident opening to the bundle being active, or null if the incident is unknown. */
    public @Nullable Double latencySeconds() {
      return incidentOpenedSeconds == null ? null : activeSeconds - incidentOpenedSeconds;
    }
  }
}
