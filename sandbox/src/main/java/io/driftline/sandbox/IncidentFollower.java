package io.driftline.sandbox;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code drift.incidents} (committed records only, from the beginning) and keeps each
 * incident's first and latest event, for the progress lines and the report. A record that does
 * not parse is counted and skipped: the sandbox only watches, the teacher owns the dead letters.
 */
public final class IncidentFollower implements AutoCloseable {

  /** An incident as first seen and as last seen. */
  public record Seen(DriftIncident first, DriftIncident latest) {}

  private final KafkaConsumer<String, DriftIncident> consumer;
  private final Map<String, Seen> incidents = new LinkedHashMap<>();
  private final Thread thread;
  private final Consumer<DriftIncident> onChange;
  private volatile boolean running = true;
  private long unreadable;

  /** Follows {@code drift.incidents} on {@code kafka}, calling {@code onChange} for every event (on its thread). */
  public IncidentFollower(String kafka, Consumer<DriftIncident> onChange) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sandbox-incidents-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new EventDeserializer<>(DriftIncident.class));
    this.onChange = onChange;
    this.thread = new Thread(this::run, "sandbox-incidents");
    this.thread.setDaemon(true);
  }

  /** Subscribes and starts the reading thread. */
  public void start() {
    consumer.subscribe(List.of(Topics.DRIFT_INCIDENTS));
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        try {
          for (ConsumerRecord<String, DriftIncident> r : consumer.poll(Duration.ofMillis(500))) {
            DriftIncident i = r.value();
            if (i == null) {
              continue;
            }
            synchronized (this) {
              Seen before = incidents.get(i.incidentId());
              incidents.put(i.incidentId(), new Seen(before == null ? i : before.first(), i));
            }
            onChange.accept(i);
          }
        } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
          synchronized (this) {
            unreadable++;
          }
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Every incident seen so far, in the order first seen. */
  public synchronized List<Seen> incidents() {
    return new ArrayList<>(incidents.values());
  }

  synchronized long unreadable() {
    return unreadable;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
