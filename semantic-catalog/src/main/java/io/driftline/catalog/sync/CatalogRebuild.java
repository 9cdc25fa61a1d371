package io.driftline.catalog.sync;

import io.driftline.catalog.graph.Catalog;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.RegistryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a catalog from the start of the registry events topic: reads every partition from its
 * first offset up to the end offset seen when the rebuild starts, and applies the events in
 * batches (one write transaction per poll). Records that cannot be read, and events whose
 * descriptions the shapes reject, are skipped and counted, as the live consumer dead-letters them.
 * Logs progress every few seconds.
 */
public final class CatalogRebuild {

  private static final Logger log = LoggerFactory.getLogger(CatalogRebuild.class);

  private final Map<String, Object> consumerConfig;
  private final String topic;

  /**
   * Creates a rebuild.
   *
   * @param bootstrapServers the Kafka bootstrap address
   * @param topic the registry events topic
   */
  public CatalogRebuild(String bootstrapServers, String topic) {
    this.topic = topic;
    this.consumerConfig = new HashMap<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000));
  }

  /** Reads the topic from the start into {@code catalog} and says what happened. */
  public Summary run(Catalog catalog) {
    long started = System.nanoTime();
    EventDeserializer<RegistryEvent> events = new EventDeserializer<>(RegistryEvent.class);
    int records = 0;
    int unreadable = 0;
    int applied = 0;
    int skipped = 0;
    List<String> rejected = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long total = end.values().stream().mapToLong(Long::longValue).sum()
          - consumer.beginningOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
      long lastLog = System.nanoTime();
      while (!reached(consumer, end)) {
        ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
        List<RegistryEvent> read = new ArrayList<>(batch.count());
        for (ConsumerRecord<String, byte[]> record : batch) {
          if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
            continue;
          }
          records++;
          try {
            RegistryEvent event = events.deserialize(record.topic(), record.headers(), record.value());
            if (event != null) {
              read.add(event);
            }
          } catch (RuntimeException e) {
            unreadable++;
          }
        }
        Catalog.BatchResult result = catalog.applyAll(read);
        applied += result.applied();
        skipped += result.skipped();
        rejected.addAll(result.rejected());
        if (System.nanoTime() - lastLog > 5_000_000_000L) {
          double seconds = (System.nanoTime() - started) / 1e9;
          log.info("catalog rebuild: {}/{} records, {} applied, {}/s, ETA {} s", records, total, applied,
              Math.round(records / seconds), Math.round((total - records) / Math.max(1, records / seconds)));
          lastLog = System.nanoTime();
        }
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    Summary summary = new Summary(records, applied, skipped, unreadable, rejected, elapsed);
    log.info("catalog rebuild done: topic={} records={} applied={} skipped={} unreadable={} rejected={} in {} ms",
        topic, records, applied, skipped, unreadable, rejected.size(), elapsed.toMillis());
    return summary;
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * What a rebuild did.
   *
   * @param records records read
   * @param applied events applied
   * @param skipped events skipped (duplicates, stale, unknown types)
   * @param unreadable records that could not be read as registry events
   * @param rejected events whose descriptions were rejected, as {@code "eventId: reason"}
   * @param elapsed wall time
   */
  public record Summary(int records, int applied, int skipped, int unreadable, List<String> rejected,
      Duration elapsed) {

    /** Copies the list. */
    public Summary {
      rejected = List.copyOf(rejected);
    }
  }
}
