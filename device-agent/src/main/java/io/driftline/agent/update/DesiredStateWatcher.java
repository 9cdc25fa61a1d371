package io.driftline.agent.update;

import io.driftline.core.events.DesiredState;
import io.driftline.core.events.EventDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the device's own partition of {@code fleet.desired-state}: it assigns the partition the
 * default partitioner gives the device id, seeks to the beginning (no consumer group, no committed
 * offsets: the compacted topic is the truth), reads up to the end offset found at start, and applies
 * only the latest desired state for its key; after that it applies each new one. A record that
 * cannot be read, or whose desired state names another device than its key, is logged, counted
 * ({@link #skipped}) and skipped; a tombstone (revocation) is logged. A desired state whose
 * download failed (registry unreachable) is tried again with a growing delay (2 s doubling to 30 s)
 * until it is applied or a newer one arrives, and so is a report of the active bundle that failed.
 */
public final class DesiredStateWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DesiredStateWatcher.class);
  /** First wait before a failed download or report is tried again; it doubles up to {@link #RETRY_MAX}. */
  static final Duration RETRY_MIN = Duration.ofSeconds(2);
  static final Duration RETRY_MAX = Duration.ofSeconds(30);

  private final String bootstrap;
  private final String topic;
  private final String deviceId;
  private final BundleUpdater updater;
  private final EventDeserializer<DesiredState> deserializer = new EventDeserializer<>(DesiredState.class);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile long position = -1;

  /** Creates a watcher; {@link #start} begins reading. */
  public DesiredStateWatcher(String bootstrap, String topic, String deviceId, BundleUpdater updater) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.deviceId = deviceId;
    this.updater = updater;
    this.thread = new Thread(this::run, "agent-desired-state");
    thread.setDaemon(true);
  }

  /** Starts the reading thread. */
  public void start() {
    thread.start();
  }

  /** Whether the watcher has read its partition up to the end offset found at start. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Readable desired states of this device read so far (each one, also those a newer one replaced). */
  public long read() {
    return read.get();
  }

  /** Records under this device's key that were skipped: unreadable, or naming another device. */
  public long skipped() {
    return skipped.get();
  }

  /** The offset of the next record to read in the device's partition; -1 before the partition is assigned. */
  public long position() {
    return position;
  }

  /** The partition of {@code key} among {@code partitions}, as Kafka's default partitioner computes it. */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private void run() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "device-agent-" + deviceId + "-desired");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = null;
      while (running && partition == null) {
        try {
          List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
          if (infos != null && !infos.isEmpty()) {
            partition = new TopicPartition(topic, partitionOf(deviceId, infos.size()));
          }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          log.debug("topic {} not reachable yet", topic);
        }
      }
      if (partition == null) {
        return;
      }
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = -1;
      DesiredState latest = null;
      DesiredState retry = null;
      Duration retryDelay = RETRY_MIN;
      long retryAt = 0;
      long reportAt = 0;
      while (running) {
        if (end < 0) {
          try {
            end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(5)).get(partition);
          } catch (org.apache.kafka.common.errors.TimeoutException e) {
            continue;
          }
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          DesiredState state = read(record);
          if (state != null) {
            latest = state;
          }
          position = record.offset() + 1;
        }
        if (!caughtUp && consumer.position(partition) < end) {
          continue;
        }
        if (!caughtUp) {
          caughtUp = true;
          log.info("device {} read {} up to offset {}; latest desired bundle {}", deviceId, partition, end,
              latest == null ? "none" : latest.bundle().bundleId() + ":" + latest.bundle().version());
        }
        long now = System.nanoTime();
        if (latest != null) {
          // a newer desired state replaces one whose download is still to be retried
          retry = updater.apply(latest) == UpdateOutcome.DOWNLOAD_FAILED ? latest : null;
          retryDelay = RETRY_MIN;
          retryAt = now + retryDelay.toNanos();
          latest = null;
        } else if (retry != null && now >= retryAt) {
          // the registry was unreachable: without a retry the device would wait for the next rollout
          if (updater.apply(retry) == UpdateOutcome.DOWNLOAD_FAILED) {
            retryDelay = retryDelay.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retryDelay.multipliedBy(2);
            retryAt = now + retryDelay.toNanos();
          } else {
            retry = null;
          }
        }
        if (updater.reportPending() && now >= reportAt) {
          updater.report();
          reportAt = now + RETRY_MIN.toNanos();
        }
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("desired-state watcher of device {} stopped: {}", deviceId, e.toString());
    }
  }

  private @Nullable DesiredState read(ConsumerRecord<String, byte[]> record) {
    if (!deviceId.equals(record.key())) {
      return null;
    }
    if (record.value() == null) {
      log.warn("device {} was revoked (tombstone at offset {}); keeping the active bundle", deviceId, record.offset());
      return null;
    }
    DesiredState state;
    try {
      state = deserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      skipped.incrementAndGet();
      log.warn("skipping unreadable desired state at {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.getMessage());
      return null;
    }
    if (state == null || !deviceId.equals(state.deviceId())) {
      skipped.incrementAndGet();
      log.warn("skipping desired state at {}-{}@{}: it names device {}, not {}", record.topic(), record.partition(),
          record.offset(), state == null ? "none" : state.deviceId(), deviceId);
      return null;
    }
    read.incrementAndGet();
    return state;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
