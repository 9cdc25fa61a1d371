package io.driftline.catalog.sync;

import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore.Outcome;
import io.driftline.core.events.RegistryEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * Follows {@code registry.events}: applies each event to the catalog once (a replayed event id is
 * skipped, also across restarts, because applied ids live in the dataset).
 *
 * <p>Records arrive in batches (one poll) and each batch is written in one TDB2 transaction, so
 * catching up on a long topic costs what a rebuild costs. A record that cannot be read, or whose
 * description the shapes reject, stops the batch: the events before it are committed, and a
 * {@link BatchListenerFailedException} naming its index lets the error handler dead-letter just
 * that record and go on with the rest.
 */
@Component
@ConditionalOnProperty(name = "driftline.catalog.events.enabled", havingValue = "true", matchIfMissing = true)
class RegistryEventsListener {

  private static final LogAccessor LOG = new LogAccessor(RegistryEventsListener.class);

  private final Catalog catalog;
  private final MeterRegistry meters;

  RegistryEventsListener(Catalog catalog, MeterRegistry meters) {
    this.catalog = catalog;
    this.meters = meters;
  }

  @KafkaListener(id = "catalog-registry-events", topics = "${driftline.catalog.events.topic:registry.events}",
      groupId = "${driftline.catalog.events.group-id:semantic-catalog}",
      containerFactory = "registryEventsListenerFactory")
  void onEvents(List<ConsumerRecord<String, @Nullable RegistryEvent>> records) {
    List<Catalog.Prepared> ready = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, @Nullable RegistryEvent> record = records.get(i);
      try {
        DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
            SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
        if (unreadable != null) {
          throw unreadable;
        }
        RegistryEvent event = record.value();
        if (event != null) {
          ready.add(catalog.prepare(event));
        }
      } catch (RuntimeException e) {
        commit(ready);
        throw new BatchListenerFailedException("registry event at offset " + record.offset() + " of "
            + record.topic() + "-" + record.partition() + " cannot be applied", e, i);
      }
    }
    commit(ready);
  }

  private void commit(List<Catalog.Prepared> ready) {
    List<Outcome> outcomes = catalog.commitAll(ready);
    for (int i = 0; i < outcomes.size(); i++) {
      meters.counter("driftline.catalog.events", "type", ready.get(i).event().type().name(),
          "outcome", outcomes.get(i).name().toLowerCase(Locale.ROOT)).increment();
    }
  }
}
