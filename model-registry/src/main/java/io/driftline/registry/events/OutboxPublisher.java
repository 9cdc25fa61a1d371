package io.driftline.registry.events;

import io.driftline.core.events.DesiredState;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.RegistryEvent;
import io.driftline.registry.config.RegistryProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the outbox to Kafka in id order. Each batch runs in one transaction: it takes an advisory
 * lock (so one instance publishes at a time and order is kept), sends the rows with the idempotent
 * producer, waits until the broker acknowledged all of them, and marks them published before it
 * commits. A row is therefore marked only after it is in Kafka, and a crash between the
 * acknowledgement and the commit re-sends that batch with the same event ids (consumers dedupe by
 * {@code ce_id}; desired states also carry their generation). Stopping the application finishes the
 * running batch first, so an orderly restart sends nothing twice.
 */
@Component
public class OutboxPublisher implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxPublisher.class);
  private static final long PUBLISHER_LOCK = 0x44524c5f4f555458L;

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final KafkaTemplate<String, DriftlineEvent> kafka;
  private final RegistryProperties.Outbox settings;
  private final RegistryProperties.TopicNames topics;
  private final EventDeserializer<DesiredState> desiredStates = new EventDeserializer<>(DesiredState.class);
  private final EventDeserializer<RegistryEvent> registryEvents = new EventDeserializer<>(RegistryEvent.class);
  private final Counter published;
  private volatile boolean running;
  private @Nullable Thread worker;

  OutboxPublisher(JdbcClient jdbc, TransactionTemplate tx, KafkaTemplate<String, DriftlineEvent> kafka,
      RegistryProperties properties, MeterRegistry meters) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.kafka = kafka;
    this.settings = properties.outbox();
    this.topics = properties.topics();
    this.published = Counter.builder("driftline.registry.outbox.published").register(meters);
    Gauge.builder("driftline.registry.outbox.pending", this, OutboxPublisher::pending).register(meters);
  }

  @Override
  public void start() {
    if (!settings.enabled() || running) {
      return;
    }
    running = true;
    Thread thread = new Thread(this::run, "outbox-publisher");
    thread.setDaemon(true);
    worker = thread;
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    synchronized (this) {
      notifyAll();
    }
    Thread thread = worker;
    if (thread != null) {
      try {
        thread.join(settings.sendTimeout().toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      worker = null;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the Kafka producer and the data source go away. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1024;
  }

  /**
   * Publishes one batch now and returns how many rows it sent (0 if the outbox is empty or another
   * instance holds the lock).
   */
  public int publishBatch() {
    Integer sent = tx.execute(status -> {
      boolean locked = jdbc.sql("select pg_try_advisory_xact_lock(?)").param(PUBLISHER_LOCK)
          .query(Boolean.class).single();
      if (!locked) {
        return 0;
      }
      List<Row> rows = jdbc.sql("""
              select id, event_id, message_key, record_type, value::text as value from outbox
              where published_at is null order by id limit ?""")
          .param(settings.batchSize())
          .query((rs, i) -> new Row(rs.getLong("id"), rs.getString("event_id"), rs.getString("message_key"),
              rs.getString("record_type"), rs.getString("value")))
          .list();
      if (rows.isEmpty()) {
        return 0;
      }
      List<CompletableFuture<SendResult<String, DriftlineEvent>>> acks = new ArrayList<>(rows.size());
      for (Row row : rows) {
        acks.add(kafka.send(record(row)));
      }
      kafka.flush();
      try {
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
            .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("Kafka did not acknowledge outbox rows " + rows.get(0).id() + ".."
            + rows.get(rows.size() - 1).id() + ": " + e.getMessage(), e);
      }
      String ids = rows.stream().map(r -> Long.toString(r.id())).collect(Collectors.joining(",", "{", "}"));
      jdbc.sql("update outbox set published_at = now() where id = any(cast(? as bigint[]))").param(ids).update();
      return rows.size();
    });
    int count = sent == null ? 0 : sent;
    published.increment(count);
    return count;
  }

  private ProducerRecord<String, DriftlineEvent> record(Row row) {
    byte[] value = row.value() == null ? null : row.value().getBytes(StandardCharsets.UTF_8);
    return switch (row.recordType()) {
      case Outbox.DESIRED_STATE -> new ProducerRecord<>(topics.desiredState(), row.key(),
          desiredStates.deserialize(topics.desiredState(), value));
      case Outbox.REGISTRY_EVENT -> new ProducerRecord<>(topics.registryEvents(), row.key(),
          registryEvents.deserialize(topics.registryEvents(), value));
      default -> throw new IllegalStateException("outbox row " + row.id() + " has unknown record type "
          + row.recordType());
    };
  }

  private void run() {
    long backoff = settings.pollInterval().toMillis();
    while (running) {
      try {
        int sent = publishBatch();
        if (sent > 0) {
          LOG.debug("published outbox rows count={}", sent);
        }
        backoff = settings.pollInterval().toMillis();
        if (sent < settings.batchSize()) {
          pause(backoff);
        }
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        LOG.warn("outbox publishing failed, retrying in {} ms: {}", backoff, e.getMessage());
        pause(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /** Waits between polls; stop() wakes it, and a batch in flight is never interrupted. */
  private synchronized void pause(long millis) {
    if (!running) {
      return;
    }
    try {
      wait(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private double pending() {
    try {
      return jdbc.sql("select count(*) from outbox where published_at is null").query(Long.class).single();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private record Row(long id, String eventId, String key, String recordType, @Nullable String value) {}
}
