package io.driftline.agent.queue;

import io.driftline.core.events.CloudEventHeaders;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events with an idempotent producer and falls back to the {@link DiskQueue} while the broker
 * cannot be reached. Once a record fails (or the queue holds anything), later records go to the
 * queue too, so order is kept; a background thread replays the queue head first, one record at a
 * time, and returns to direct sending when the queue is empty. Every record ends either delivered
 * (acknowledged by the broker) or dropped by the queue's bound, and both are counted per topic.
 */
public final class ReliableSender implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReliableSender.class);

  private final Producer<String, byte[]> producer;
  private final DiskQueue queue;
  private final EventSerializer<DriftlineEvent> serializer = new EventSerializer<>();
  private final Duration sendTimeout;
  private final Object lock = new Object();
  private final Map<String, AtomicLong> delivered = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
  private final Thread replayer;
  private volatile boolean offline;
  private volatile boolean closed;

  /** Creates a sender on {@code bootstrap} with the queue in {@code queueFolder}. */
  public ReliableSender(String bootstrap, String clientId, java.nio.file.Path queueFolder, int maxRecords,
      long maxBytes, Duration sendTimeout) {
    this.sendTimeout = sendTimeout;
    this.queue = new DiskQueue(queueFolder, maxRecords, maxBytes, this::countDrop);
    this.producer = new KafkaProducer<>(producerConfig(bootstrap, clientId, sendTimeout),
        new StringSerializer(), new ByteArraySerializer());
    // Until the replayer has reached the broker once, records go through the disk queue, so a record
    // is never both handed to the producer and counted as dropped.
    this.offline = true;
    this.replayer = new Thread(this::replayLoop, "agent-queue-replay");
    replayer.setDaemon(true);
    replayer.start();
  }

  /**
   * The agent's producer settings: idempotent, {@code acks=all}, 20 ms linger, timeouts from
   * {@code sendTimeout}, and {@code max.block.ms=0} so a send never blocks the frame thread.
   */
  public static Properties producerConfig(String bootstrap, String clientId, Duration sendTimeout) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    int timeout = (int) Math.max(2000, sendTimeout.toMillis());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 5000));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + 20);
    // The frame thread must never wait for Kafka: without metadata (broker or topic missing) or
    // buffer space, send fails at once and the disk queue takes over; the replayer retries with back-off.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
    return p;
  }

  /** Sends an event keyed by {@code key} (the device id); never blocks longer than the producer's max block. */
  public void send(String topic, String key, DriftlineEvent event) {
    RecordHeaders headers = new RecordHeaders();
    CloudEventHeaders.of(event).writeTo(headers);
    byte[] value = serializer.serialize(topic, event);
    List<Map.Entry<String, byte[]>> pairs = new ArrayList<>();
    for (Header h : headers) {
      pairs.add(new AbstractMap.SimpleImmutableEntry<>(h.key(), h.value()));
    }
    send(new QueuedRecord(topic, key, value, pairs));
  }

  void send(QueuedRecord record) {
    synchronized (lock) {
      if (offline || !queue.isEmpty()) {
        queue.add(record);
        return;
      }
    }
    try {
      producer.send(toProducerRecord(record), (metadata, error) -> {
        if (error == null) {
          count(delivered, record.topic());
        } else {
          goOffline(record, error);
        }
      });
    } catch (RuntimeException e) {
      goOffline(record, e);
    }
  }

  private void goOffline(QueuedRecord record, Throwable error) {
    synchronized (lock) {
      if (!offline) {
        log.warn("broker unreachable ({}); queueing records on disk", error.toString());
      }
      offline = true;
      queue.add(record);
    }
  }

  private void replayLoop() {
    long backoff = 200;
    while (!closed) {
      try {
        QueuedRecord head = queue.peek();
        if (head == null) {
          synchronized (lock) {
            if (queue.isEmpty() && offline) {
              offline = false;
              log.info("broker reachable again; offline queue drained");
            }
          }
          Thread.sleep(100);
          continue;
        }
        try {
          // No timeout on get: the producer's delivery timeout bounds it, and only a completed
          // future says for sure whether the record reached the broker.
          producer.send(toProducerRecord(head)).get();
          synchronized (lock) {
            QueuedRecord still = queue.peek();
            count(delivered, head.topic());
            if (still != null && java.util.Arrays.equals(still.value(), head.value())) {
              queue.removeHead();
            } else {
              // The bound dropped it while it was in flight: it arrived after all, so it is delivered, not dropped.
              dropped.get(head.topic()).decrementAndGet();
            }
          }
          backoff = 200;
        } catch (java.util.concurrent.ExecutionException e) {
          Thread.sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("offline queue replay failed: {}", e.toString());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static ProducerRecord<String, byte[]> toProducerRecord(QueuedRecord record) {
    RecordHeaders headers = new RecordHeaders();
    for (Map.Entry<String, byte[]> h : record.headers()) {
      headers.add(h.getKey(), h.getValue());
    }
    return new ProducerRecord<>(record.topic(), null, record.key(), record.value(), headers);
  }

  private void countDrop(QueuedRecord record) {
    count(dropped, record.topic());
  }

  private static void count(Map<String, AtomicLong> counts, String topic) {
    counts.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet();
  }

  /** Records acknowledged by the broker on {@code topic}. */
  public long delivered(String topic) {
    AtomicLong n = delivered.get(topic);
    return n == null ? 0 : n.get();
  }

  /** Records dropped by the queue bound on {@code topic}. */
  public long dropped(String topic) {
    AtomicLong n = dropped.get(topic);
    return n == null ? 0 : n.get();
  }

  /** Records waiting in the offline queue. */
  public int queued() {
    return queue.size();
  }

  /** Bytes waiting in the offline queue. */
  public long queuedBytes() {
    return queue.bytes();
  }

  /** Whether the sender currently goes through the offline queue. */
  public boolean offline() {
    return offline;
  }

  /** Flushes the producer's buffer (waits for in-flight records). */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    closed = true;
    replayer.interrupt();
    try {
      replayer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
