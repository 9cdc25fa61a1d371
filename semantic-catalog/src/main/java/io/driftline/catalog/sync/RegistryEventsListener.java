package io.driftline.catalog.sync;

import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore.Outcome;
import io.driftline.core.events.RegistryEvent;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Follows {@code registry.events}: applies each event to the catalog once (a replayed event id is
 * skipped, also across restarts, because applied ids live in the dataset). A record that cannot be
 * read or whose description violates the shapes fails here and the error handler dead-letters it.
 */
@Component
@ConditionalOnProperty(name = "driftline.catalog.events.enabled", havingValue = "true", matchIfMissing = true)
class RegistryEventsListener {

  private final Catalog catalog;
  private final MeterRegistry meters;

  RegistryEventsListener(Catalog catalog, MeterRegistry meters) {
    this.catalog = catalog;
    this.meters = meters;
  }

  @KafkaListener(id = "catalog-registry-events", topics = "${driftline.catalog.events.topic:registry.events}",
      groupId = "${driftline.catalog.events.group-id:semantic-catalog}")
  void onEvent(@Nullable RegistryEvent event) {
    if (event == null) {
      return;
    }
    Outcome outcome = catalog.apply(event);
    meters.counter("driftline.catalog.events", "type", event.type().name(),
        "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
  }
}
