package io.driftline.drift.stream;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.incident.DeviceMonitor;
import io.driftline.drift.incident.DeviceState;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * Runs the {@link DeviceMonitor} for each device on its state in the {@link DriftTopology#DEVICE_STORE}
 * store: telemetry windows drive detection and the life cycle, incident events from the teacher
 * update it. Forwards each incident change keyed by device id.
 */
final class DeviceProcessor implements Processor<String, DriftlineEvent, String, DriftIncident> {

  private final DeviceMonitor monitor;
  private final DriftMetrics metrics;
  private @Nullable ProcessorContext<String, DriftIncident> context;
  private @Nullable KeyValueStore<String, DeviceState> store;

  DeviceProcessor(DeviceMonitor monitor, DriftMetrics metrics) {
    this.monitor = monitor;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, DriftIncident> context) {
    this.context = context;
    this.store = context.getStateStore(DriftTopology.DEVICE_STORE);
  }

  @Override
  public void process(Record<String, DriftlineEvent> record) {
    KeyValueStore<String, DeviceState> states = Objects.requireNonNull(store);
    String deviceId = record.key();
    DeviceState state = states.get(deviceId);
    if (record.value() instanceof TelemetryWindow window) {
      if (state == null) {
        state = monitor.newState(deviceId);
      }
      DeviceMonitor.Outcome outcome = monitor.onWindow(state, window);
      metrics.window(outcome.stale(), outcome.alarmRejected(), outcome.confirmed());
      if (outcome.stale()) {
        return;
      }
      states.put(deviceId, state);
      for (DriftIncident change : outcome.changes()) {
        metrics.incident(change.state());
        Objects.requireNonNull(context).forward(
            new Record<>(deviceId, change, change.changedAt().toEpochMilli(), new RecordHeaders()));
      }
    } else if (record.value() instanceof DriftIncident incident && state != null
        && monitor.onIncident(state, incident)) {
      states.put(deviceId, state);
    }
  }
}
