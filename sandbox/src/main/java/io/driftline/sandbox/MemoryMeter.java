package io.driftline.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the resident memory (RSS) of the sandbox and the processes it started, from
 * {@code /proc/<pid>/status} (Linux; elsewhere it reports 0), and keeps the peak of their sum.
 */
public final class MemoryMeter {

  private final List<ProcessHandle> processes = new ArrayList<>();
  private final java.util.Map<String, Long> peakByName = new java.util.LinkedHashMap<>();
  private final java.util.Map<Long, String> names = new java.util.HashMap<>();
  private long peak;

  synchronized void watch(String name, ProcessHandle process) {
    processes.add(process);
    names.put(process.pid(), name);
  }

  /** Reads every watched process's RSS now; returns the sum and updates the peak. */
  synchronized long sample() {
    long total = 0;
    for (ProcessHandle p : processes) {
      long rss = rss(p.pid());
      total += rss;
      peakByName.merge(names.get(p.pid()), rss, Math::max);
    }
    peak = Math.max(peak, total);
    return total;
  }

  synchronized long peakBytes() {
    sample();
    return peak;
  }

  /** Each process's peak, e.g. {@code sandbox 1.20 GB, model-registry 0.40 GB}. */
  synchronized String breakdown() {
    StringBuilder b = new StringBuilder();
    peakByName.forEach((name, bytes) -> b.append(b.length() == 0 ? "" : ", ")
        .append(String.format(java.util.Locale.ROOT, "%s %.2f GB", name, bytes / 1e9)));
    return b.toString();
  }

  /** The resident memory of process {@code pid} in bytes, 0 if unknown. */
  public static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process has gone
    }
    return 0;
  }
}
