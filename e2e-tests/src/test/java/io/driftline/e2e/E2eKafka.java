package io.driftline.e2e;

import io.driftline.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Topics and clients on the shared test broker: uniquely named topics declared the way services
 * declare them (auto-creation is off on the embedded broker), idempotent producer settings, and a
 * reader that returns everything on a topic from its start.
 */
final class E2eKafka {

  /** Longest wait for records that should already be on the broker; a failure, not a timing claim. */
  static final Duration RECORD_WAIT = Duration.ofSeconds(20);

  private E2eKafka() {}

  /**
   * Returns a fresh topic name that starts with {@code base}, so tests sharing the JVM's broker never
   * see each other's records ({@code device.samples} becomes {@code device.samples.e2e-<uuid>}).
   */
  static String uniqueTopic(String base) {
    return base + ".e2e-" + UUID.randomUUID();
  }

  /** Creates the topics and waits until the broker has them. */
  static void createTopics(KafkaTestBroker kafka, NewTopic... topics)
      throws ExecutionException, InterruptedException {
    try (Admin admin = admin(kafka)) {
      admin.createTopics(List.of(topics)).all().get();
    }
  }

  /** Opens an admin client on the broker; the caller closes it. */
  static Admin admin(KafkaTestBroker kafka) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  /** Producer settings every Driftline producer uses: idempotent, acknowledged by all replicas. */
  static Map<String, Object> producerConfig(KafkaTestBroker kafka) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all");
  }

  /**
   * Reads {@code count} records from the start of every partition of {@code topic}, without a
   * consumer group (so no rebalance to wait for). Records of one key come back in produced order.
   *
   * @throws AssertionError if fewer than {@code count} records arrive within {@link #RECORD_WAIT}
   */
  static <K, V> List<ConsumerRecord<K, V>> readFromStart(KafkaTestBroker kafka, String topic, int count,
      Deserializer<K> keys, Deserializer<V> values) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + RECORD_WAIT.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    if (records.size() < count) {
      throw new AssertionError("expected " + count + " records on " + topic + " within " + RECORD_WAIT
          + " but read " + records.size() + ": " + records);
    }
    return records;
  }
}
