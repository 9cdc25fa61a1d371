package io.driftline.registry.events;

import io.driftline.core.events.DesiredState;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.RegistryEvent;
import io.driftline.registry.store.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes events to the transactional outbox. Callers append inside the transaction of the change
 * they describe, so an event is stored exactly when its change commits; {@link OutboxPublisher}
 * sends it afterwards. Each row keeps the event's id, so a re-sent record carries the same id.
 */
@Component
public class Outbox {

  /** Record type of {@code registry.events} rows. */
  public static final String REGISTRY_EVENT = "REGISTRY_EVENT";
  /** Record type of {@code fleet.desired-state} rows. */
  public static final String DESIRED_STATE = "DESIRED_STATE";

  private final JdbcClient jdbc;
  private final Json json;
  private final Clock clock;
  private final EventSerializer<DriftlineEvent> serializer = new EventSerializer<>();

  Outbox(JdbcClient jdbc, Json json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /** Appends a registry event with a fresh id and returns it. */
  @Transactional(propagation = Propagation.MANDATORY)
  public RegistryEvent registryEvent(RegistryEvent.Type type, String entityId, Map<String, ?> payload) {
    RegistryEvent event = new RegistryEvent(UUID.randomUUID().toString(), type, entityId, now(),
        json.tree(payload));
    insert(event.eventId(), event.key(), REGISTRY_EVENT, write(event));
    return event;
  }

  /** Appends a desired state; its id is {@code desired-state/<deviceId>/<generation>}. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void desiredState(DesiredState state) {
    insert(state.ceId(), state.key(), DESIRED_STATE, write(state));
  }

  /** Appends a tombstone for a removed device on the desired-state topic. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void desiredStateTombstone(String deviceId, long generation) {
    insert("desired-state/" + deviceId + "/" + generation + "/removed", deviceId, DESIRED_STATE, null);
  }

  /** Returns the current time as stored (microseconds, PostgreSQL's precision). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private String write(DriftlineEvent event) {
    return new String(serializer.serialize("outbox", event), StandardCharsets.UTF_8);
  }

  private void insert(String eventId, String key, String recordType, String value) {
    jdbc.sql("insert into outbox (event_id, message_key, record_type, value) values (?, ?, ?, ?::jsonb)")
        .params(eventId, key, recordType, value)
        .update();
  }
}
