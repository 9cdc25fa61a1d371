package io.driftline.teacher.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a job's samples to a total, giving every device the same share (devices with fewer samples
 * keep all of theirs and leave the rest to the others) and keeping each device's newest samples.
 */
final class FairShare {

  private FairShare() {}

  /**
   * Returns {@code byDevice} with at most {@code max} elements in all: every device keeps its last
   * {@code min(size, quota)} elements, for the largest quota the total allows. Lists are ordered
   * oldest first, as the sample store returns them; the map's order is kept.
   */
  static <T> Map<String, List<T>> cut(Map<String, List<T>> byDevice, int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    long total = byDevice.values().stream().mapToLong(List::size).sum();
    if (total <= max) {
      return byDevice;
    }
    int quota = quota(byDevice, max);
    // the quota leaves up to (devices - 1) places unused: the first devices that have more get one more
    long room = max - byDevice.values().stream().mapToLong(l -> Math.min(l.size(), quota)).sum();
    Map<String, List<T>> cut = new LinkedHashMap<>();
    for (Map.Entry<String, List<T>> e : byDevice.entrySet()) {
      List<T> samples = e.getValue();
      int keep = Math.min(samples.size(), quota);
      if (keep < samples.size() && room > 0) {
        keep++;
        room--;
      }
      cut.put(e.getKey(), List.copyOf(samples.subList(samples.size() - keep, samples.size())));
    }
    return cut;
  }

  /** The largest per-device quota whose total stays within {@code max} (binary search). */
  private static <T> int quota(Map<String, List<T>> byDevice, int max) {
    int low = 0;
    int high = byDevice.values().stream().mapToInt(List::size).max().orElse(0);
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      long sum = 0;
      for (List<T> samples : byDevice.values()) {
        sum += Math.min(samples.size(), mid);
      }
      if (sum <= max) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }
}
