package io.driftline.drift.stream;

import io.driftline.core.events.DriftIncident;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The detector's Micrometer counters ({@code driftline.drift.*}). */
public final class DriftMetrics {

  private final MeterRegistry registry;
  private final Counter windows;
  private final Counter staleWindows;
  private final Counter rejectedAlarms;
  private final Counter confirmedChanges;

  /** Registers the counters in {@code registry}. */
  public DriftMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.windows = registry.counter("driftline.drift.windows");
    this.staleWindows = registry.counter("driftline.drift.windows.stale");
    this.rejectedAlarms = registry.counter("driftline.drift.alarms.rejected");
    this.confirmedChanges = registry.counter("driftline.drift.changes.confirmed");
  }

  void window(boolean stale, boolean rejected, boolean confirmed) {
    windows.increment();
    if (stale) {
      staleWindows.increment();
    }
    if (rejected) {
      rejectedAlarms.increment();
    }
    if (confirmed) {
      confirmedChanges.increment();
    }
  }

  void incident(DriftIncident.State state) {
    registry.counter("driftline.drift.incidents", "state", state.name()).increment();
  }

  /** Counts a stream thread that died of an exception and was replaced. */
  public void threadReplaced() {
    registry.counter("driftline.drift.stream-threads.replaced").increment();
  }

  void deadLetter(String topic) {
    registry.counter("driftline.drift.dead-letters", "topic", topic).increment();
  }
}
