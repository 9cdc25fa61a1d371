package io.driftline.sandbox.report;

import io.driftline.core.scenario.Segment;
import io.driftline.sandbox.report.SandboxReport.AdaptationMark;
import io.driftline.sandbox.report.SandboxReport.DeviceRun;
import io.driftline.sandbox.report.SandboxReport.IncidentMark;
import io.driftline.sandbox.report.SandboxReport.WindowPoint;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The figures computed from a {@link SandboxReport}, for the fleet and for each device, as written
 * under {@code summary} in {@code report.json} and shown in the report's tables.
 *
 * <p>Accuracies are frame-weighted (correct frames over frames of all windows counted), in [0,1];
 * gains are in percentage points (adapted minus shadow). A window is <em>drifted</em> when its domain
 * is not {@value Segment#CLEAN}. A figure that has nothing to be computed from (no frames, no known
 * latency) is null.
 *
 * @param fleet every device together, every incident and adaptation of the run
 * @param devices one entry per device, in the report's order
 */
public record ReportSummary(Figures fleet, List<Figures> devices) {

  /**
   * The figures of one device or of the fleet.
   *
   * @param deviceId the device, or null for the fleet
   * @param windows telemetry windows counted
   * @param frames frames in those windows
   * @param accuracyAdapted accuracy with adaptation over all windows, or null without frames
   * @param accuracyShadow accuracy of the shadow student over all windows, or null without frames
   * @param gainPoints {@code 100 * (accuracyAdapted - accuracyShadow)}, or null without frames
   * @param driftedWindows windows whose domain is not clean
   * @param driftedFrames frames in those windows
   * @param driftedAccuracyAdapted accuracy with adaptation on drifted windows, or null if none
   * @param driftedAccuracyShadow accuracy of the shadow on drifted windows, or null if none
   * @param driftedGainPoints the gain on drifted windows in points, or null if none
   * @param incidents drift incidents opened
   * @param adaptations bundles that became active
   * @param medianLatencySeconds median seconds from incident opened to bundle active, over the
   *     adaptations whose incident is known, or null if there is none
   * @param maxLatencySeconds the largest of those latencies, or null
   * @param bytesUploaded sample bytes sent
   * @param bytesDownloaded bundle bytes downloaded
   * @param samplesUploaded samples sent
   */
  public record Figures(
      @Nullable String deviceId,
      int windows,
      long frames,
      @Nullable Double accuracyAdapted,
      @Nullable Double accuracyShadow,
      @Nullable Double gainPoints,
      int driftedWindows,
      long driftedFrames,
      @Nullable Double driftedAccuracyAdapted,
      @Nullable Double driftedAccuracyShadow,
      @Nullable Double driftedGainPoints,
      int incidents,
      int adaptations,
      @Nullable Double medianLatencySeconds,
      @Nullable Double maxLatencySeconds,
      long bytesUploaded,
      long bytesDownloaded,
      long samplesUploaded) {}

  /** Computes the summary of {@code report}. */
  public static ReportSummary of(SandboxReport report) {
    List<Figures> devices = new ArrayList<>();
    Tally all = new Tally();
    Tally allDrifted = new Tally();
    long up = 0;
    long down = 0;
    long samples = 0;
    for (DeviceRun device : report.devices()) {
      Tally tally = new Tally();
      Tally drifted = new Tally();
      for (WindowPoint w : device.windows()) {
        tally.add(w);
        all.add(w);
        if (isDrifted(w)) {
          drifted.add(w);
          allDrifted.add(w);
        }
      }
      List<IncidentMark> incidents =
          report.incidents().stream().filter(i -> i.deviceId().equals(device.deviceId())).toList();
      List<AdaptationMark> adaptations =
          report.adaptations().stream().filter(a -> a.deviceId().equals(device.deviceId())).toList();
      devices.add(figures(device.deviceId(), tally, drifted, incidents.size(), adaptations,
          device.bytesUploaded(), device.bytesDownloaded(), device.samplesUploaded()));
      up += device.bytesUploaded();
      down += device.bytesDownloaded();
      samples += device.samplesUploaded();
    }
    Figures fleet = figures(null, all, allDrifted, report.incidents().size(), report.adaptations(), up, down, samples);
    return new ReportSummary(fleet, List.copyOf(devices));
  }

  /** Whether a window's frames came mostly from a domain other than {@value Segment#CLEAN}. */
  public static boolean isDrifted(WindowPoint window) {
    return !Segment.CLEAN.equals(window.domain());
  }

  /** The figures of the device with id {@code deviceId}, or null if it has none. */
  public @Nullable Figures device(String deviceId) {
    return devices.stream().filter(f -> deviceId.equals(f.deviceId())).findFirst().orElse(null);
  }

  /** Median of {@code values}, or null if there are none. */
  static @Nullable Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }

  private static Figures figures(@Nullable String deviceId, Tally tally, Tally drifted, int incidents,
      List<AdaptationMark> adaptations, long up, long down, long samples) {
    List<Double> latencies = new ArrayList<>();
    for (AdaptationMark a : adaptations) {
      Double latency = a.latencySeconds();
      if (latency != null) {
        latencies.add(latency);
      }
    }
    Double max = latencies.stream().max(Double::compare).orElse(null);
    return new Figures(deviceId, tally.windows, tally.frames, tally.adapted(), tally.shadow(), tally.gain(),
        drifted.windows, drifted.frames, drifted.adapted(), drifted.shadow(), drifted.gain(),
        incidents, adaptations.size(), median(latencies), max, up, down, samples);
  }

  /** Frames and correct frames of a set of windows. */
  private static final class Tally {
    int windows;
    long frames;
    long correctAdapted;
    long correctShadow;

    void add(WindowPoint w) {
      windows++;
      frames += w.frames();
      correctAdapted += w.correctAdapted();
      correctShadow += w.correctShadow();
    }

    @Nullable Double adapted() {
      return frames == 0 ? null : (double) correctAdapted / frames;
    }

    @Nullable Double shadow() {
      return frames == 0 ? null : (double) correctShadow / frames;
    }

    @Nullable Double gain() {
      return frames == 0 ? null : 100.0 * (correctAdapted - correctShadow) / frames;
    }
  }
}
