package io.driftline.drift.stream;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.incident.DeviceMonitor;
import io.driftline.drift.incident.DeviceState;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>Every change is written to the store as before (so the changelog and exactly-once are
 * unchanged), but the states of the most recently seen {@value #LIVE_STATES} devices of the task
 * are also kept as objects, so a window does not deserialise its device's state from the store
 * first. The objects always equal what this processor last put in the store; they are dropped on
 * {@link #init} and {@link #close}, which Kafka Streams calls when a task is (re)initialised after a
 * restore or an aborted transaction.
 */
final class DeviceProcessor implements Processor<String, DriftlineEvent, String, DriftIncident> {

  private final DeviceMonitor monitor;
  private final DriftMetrics metrics;
  private @Nullable ProcessorContext<String, DriftIncident> context;
  private @Nullable KeyValueStore<String, DeviceState> store;

  /** Most device states kept as objects per task (about 1.3 KB each). */
  static final int LIVE_STATES = 4_096;

  private final Map<String, DeviceState> live;

  DeviceProcessor(DeviceMonitor monitor, DriftMetrics metrics, int liveStates) {
    this.monitor = monitor;
    this.metrics = metrics;
    this.live = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, DeviceState> eldest) {
        return size() > liveStates;
      }
    };
  }

  @Override
  public void init(ProcessorContext<String, DriftIncident> context) {
    this.context = context;
    this.store = context.getStateStore(DriftTopology.DEVICE_STORE);
    live.clear();
  }

  @Override
  public void close() {
    live.clear();
  }

  private void save(KeyValueStore<String, DeviceState> states, String deviceId, DeviceState state) {
    states.put(deviceId, state);
    live.put(deviceId, state);
  }

  @Override
  public void process(Record<String, DriftlineEvent> record) {
    KeyValueStore<String, DeviceState> states = Objects.requireNonNull(store);
    String deviceId = record.key();
    DeviceState state = live.get(deviceId);
    if (state == null) {
      state = states.get(deviceId);
    }
    if (record.value() instanceof TelemetryWindow window) {
      if (state == null) {
        state = monitor.newState(deviceId);
      }
      DeviceMonitor.Outcome outcome = monitor.onWindow(state, window);
      metrics.window(outcome.stale(), outcome.alarmRejected(), outcome.confirmed());
      if (outcome.stale()) {
        return;
      }
      save(states, deviceId, state);
      for (DriftIncident change : outcome.changes()) {
        metrics.incident(change.state());
        Objects.requireNonNull(context).forward(
            new Record<>(deviceId, change, change.changedAt().toEpochMilli(), new RecordHeaders()));
      }
    } else if (record.value() instanceof DriftIncident incident && state != null
        && monitor.onIncident(state, incident)) {
      save(states, deviceId, state);
    }
  }
}
