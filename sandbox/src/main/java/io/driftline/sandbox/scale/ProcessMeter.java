package io.driftline.sandbox.scale;

import io.driftline.sandbox.MemoryMeter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads each metered process's CPU seconds (user + system, from {@code /proc/<pid>/stat}) and
 * resident memory, and splits this JVM's CPU between the light fleet's threads (named
 * {@code scale-*}, including its Kafka clients) and the rest (the embedded broker, GC, JIT).
 * Linux only; elsewhere the figures are 0.
 */
final class ProcessMeter {

  /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;

  /** One reading. */
  record Reading(long nanos, Map<String, Double> cpuSeconds, Map<String, Long> rssBytes, double fleetThreadSeconds) {}

  private final Map<String, ProcessHandle> processes;

  ProcessMeter(Map<String, ProcessHandle> processes) {
    this.processes = processes;
  }

  Reading read() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    Map<String, Long> rss = new LinkedHashMap<>();
    processes.forEach((name, p) -> {
      cpu.put(name, cpuSeconds(p.pid()));
      rss.put(name, MemoryMeter.rss(p.pid()));
    });
    return new Reading(System.nanoTime(), cpu, rss, fleetThreadSeconds());
  }

  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name may hold spaces; fields after it start at utime = field 14
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU seconds of the live threads of this JVM whose names mark them as the light fleet's. */
  static double fleetThreadSeconds() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith("scale-") || name.contains("| scale-")) {
        long nanos = threads.getThreadCpuTime(t.getId());
        total += nanos > 0 ? nanos / 1e9 : 0;
      }
    }
    return total;
  }
}
