package io.driftline.sandbox.report;

import io.driftline.sandbox.report.SandboxReport.AdaptationMark;
import io.driftline.sandbox.report.SandboxReport.BundleSpan;
import io.driftline.sandbox.report.SandboxReport.DeviceRun;
import io.driftline.sandbox.report.SandboxReport.IncidentMark;
import io.driftline.sandbox.report.SandboxReport.WindowPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A small run whose figures can be worked out by hand: three devices, twelve windows of ten frames
 * each (one every ten seconds over two minutes), two drifted devices with incidents and adaptations,
 * and a clean device with a short last window.
 *
 * <pre>
 * cam-street: clean ×4 (9/9), fog@3 ×5 (adapted 4,4,7,8,8; shadow 4 each), clean ×3 (9/9)
 *             drifted 31 vs 20 of 50 frames; all 94 vs 83 of 120
 * cam-dock:   clean ×3 (8/8), night@4 ×6 (adapted 3,3,6,7,7,7; shadow 3), gaussian-noise@2 ×3 (adapted 5,5,8; shadow 5)
 *             drifted 51 vs 33 of 90 frames; all 75 vs 57 of 120
 * cam-yard:   clean ×11 (9/9) and a last window of 5 frames (4/4); never drifted
 *             all 103 vs 103 of 115
 * latencies:  fog-a:1 13 s, night-b:1 20 s, noise-b:1 15 s
 * </pre>
 */
final class ReportFixture {

  static final Instant START = Instant.parse("2026-11-26T07:00:00Z");

  private ReportFixture() {}

  static SandboxReport report() {
    return report("cam-street", "fog-a:1", List.of("scenario default.yml, 3 devices", "teacher on 2 cores"));
  }

  /** The fixture with the first device's name, its bundle's name and the notes replaced. */
  static SandboxReport report(String firstName, String firstBundle, List<String> notes) {
    DeviceRun street = new DeviceRun("dev-a", firstName, "mcu", "mcu-student:1", List.of("INT8", "BINARY"), 16_384,
        windows(new String[] {"clean", "clean", "clean", "clean", "fog@3", "fog@3", "fog@3", "fog@3", "fog@3", "clean",
            "clean", "clean"},
            new int[] {9, 9, 9, 9, 4, 4, 7, 8, 8, 9, 9, 9},
            new int[] {9, 9, 9, 9, 4, 4, 4, 4, 4, 9, 9, 9}, 58, firstBundle, 10),
        List.of(new BundleSpan(null, 0, 58), new BundleSpan(firstBundle, 58, 120)),
        30_000, 8_000, 30, firstBundle, firstBundle);
    List<WindowPoint> dockWindows = new ArrayList<>(windows(
        new String[] {"clean", "clean", "clean", "night@4", "night@4", "night@4", "night@4", "night@4", "night@4",
            "gaussian-noise@2", "gaussian-noise@2", "gaussian-noise@2"},
        new int[] {8, 8, 8, 3, 3, 6, 7, 7, 7, 5, 5, 8},
        new int[] {8, 8, 8, 3, 3, 3, 3, 3, 3, 5, 5, 5}, 55, "night-b:1", 10));
    for (int i = 10; i < 12; i++) {
      WindowPoint w = dockWindows.get(i);
      String bundle = w.endSeconds() > 110 ? "noise-b:1" : "night-b:1";
      dockWindows.set(i, new WindowPoint(w.seq(), w.endSeconds(), w.frames(), w.correctAdapted(), w.correctShadow(),
          w.domain(), bundle));
    }
    DeviceRun dock = new DeviceRun("dev-b", "cam-dock", "cpu", "cpu-student:2", List.of("FP32"), 262_144, dockWindows,
        List.of(new BundleSpan(null, 0, 55), new BundleSpan("night-b:1", 55, 110), new BundleSpan("noise-b:1", 110, 120)),
        48_000, 18_500, 48, "noise-b:1", "noise-b:1");
    List<WindowPoint> yardWindows = new ArrayList<>(windows(new String[] {"clean", "clean", "clean", "clean", "clean",
        "clean", "clean", "clean", "clean", "clean", "clean", "clean"},
        new int[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 4},
        new int[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 4}, Double.MAX_VALUE, null, 10));
    yardWindows.set(11, new WindowPoint(11, 115, 5, 4, 4, "clean", null));
    DeviceRun yard = new DeviceRun("dev-c", "cam-yard", "mcu-tiny", "mcu-student:1", List.of("BINARY"), 4_096,
        yardWindows, List.of(new BundleSpan(null, 0, 120)), 2_000, 0, 2, null, null);

    List<IncidentMark> incidents = List.of(
        new IncidentMark("inc-a1", "dev-a", 45, 80.0, "RECOVERED", "oodScore.mean"),
        new IncidentMark("inc-b1", "dev-b", 35, 90.0, "RECOVERED", "entropy.mean"),
        new IncidentMark("inc-b2", "dev-b", 95, null, "ADAPTING", "hdcSimilarity.mean"));
    List<AdaptationMark> adaptations = List.of(
        new AdaptationMark("dev-b", "night-b:1", "inc-b1", 35.0, 55, 9_000),
        new AdaptationMark("dev-a", firstBundle, "inc-a1", 45.0, 58, 8_000),
        new AdaptationMark("dev-b", "noise-b:1", "inc-b2", 95.0, 110, 9_500));
    return new SandboxReport("default", START, START.plusSeconds(120), 10, List.of(street, dock, yard), incidents,
        adaptations, notes);
  }

  /** Twelve windows of {@code frames} frames ending every ten seconds; {@code bundle} from {@code bundleFrom} on. */
  private static List<WindowPoint> windows(String[] domains, int[] adapted, int[] shadow, double bundleFrom,
      @Nullable String bundle, int frames) {
    List<WindowPoint> windows = new ArrayList<>();
    for (int i = 0; i < domains.length; i++) {
      double end = 10.0 * (i + 1);
      windows.add(new WindowPoint(i, end, frames, adapted[i], shadow[i], domains[i], end > bundleFrom ? bundle : null));
    }
    return windows;
  }
}
