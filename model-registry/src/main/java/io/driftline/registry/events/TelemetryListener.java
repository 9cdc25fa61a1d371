package io.driftline.registry.events;

import io.driftline.core.events.EventFormatException;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.registry.store.TelemetryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

/**
 * Follows {@code device.telemetry} and stores the windows for the console's charts. One poll is
 * one database transaction. A record that cannot be read stops the batch: the windows before it
 * are stored, and a {@link BatchListenerFailedException} naming its index lets the error handler
 * dead-letter just that record (to {@code <topic>-dlt}) and go on with the rest; so does a window
 * whose record key is not its device id.
 */
@Component
@ConditionalOnProperty(name = "driftline.registry.telemetry.enabled", havingValue = "true", matchIfMissing = true)
class TelemetryListener {

  /** The listener container's id. */
  static final String CONTAINER_ID = "registry-telemetry";

  private static final LogAccessor LOG = new LogAccessor(TelemetryListener.class);

  private final TelemetryStore store;
  private final Counter stored;
  private final Counter ignored;

  TelemetryListener(TelemetryStore store, MeterRegistry meters) {
    this.store = store;
    this.stored = meters.counter("driftline.registry.telemetry.windows", "outcome", "stored");
    this.ignored = meters.counter("driftline.registry.telemetry.windows", "outcome", "ignored");
  }

  @KafkaListener(id = CONTAINER_ID, topics = "${driftline.registry.telemetry.topic:device.telemetry}",
      groupId = "${driftline.registry.telemetry.group-id:model-registry-telemetry}",
      containerFactory = "telemetryListenerFactory")
  void onWindows(List<ConsumerRecord<String, @Nullable TelemetryWindow>> records) {
    List<TelemetryWindow> readable = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, @Nullable TelemetryWindow> record = records.get(i);
      DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
          SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
      if (unreadable != null) {
        save(readable);
        throw new BatchListenerFailedException("telemetry window at offset " + record.offset() + " of "
            + record.topic() + "-" + record.partition() + " cannot be read", unreadable, i);
      }
      TelemetryWindow window = record.value();
      if (window != null && !window.key().equals(record.key())) {
        // the drift detector refuses such a record too: a window must come keyed by its own device
        save(readable);
        throw new BatchListenerFailedException("telemetry window at offset " + record.offset() + " of "
            + record.topic() + "-" + record.partition() + " has a foreign key", new EventFormatException(record.topic(),
                "key '" + record.key() + "' does not match the event's key '" + window.key() + "'"), i);
      }
      if (window != null) {
        readable.add(window);
      }
    }
    save(readable);
  }

  private void save(List<TelemetryWindow> windows) {
    if (windows.isEmpty()) {
      return;
    }
    int count = store.store(windows);
    stored.increment(count);
    ignored.increment(windows.size() - count);
    windows.clear();
  }
}
