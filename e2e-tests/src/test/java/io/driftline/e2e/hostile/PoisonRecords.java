package io.driftline.e2e.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/**
 * Raw records on the fleet's topics: sends any bytes with any headers, finds the dead letters of a
 * record on {@code <topic>-dlt} by their {@code kafka_dlt-original-*} headers, and waits until a
 * consumer group has committed past an offset (it consumed that record and everything before it).
 */
final class PoisonRecords implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(30);

  private final String bootstrap;
  private final KafkaProducer<String, byte[]> producer;

  PoisonRecords(String bootstrap) {
    this.bootstrap = bootstrap;
    this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000), new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends one record to partition 0 and returns where it landed. */
  RecordMetadata send(String topic, String key, byte @Nullable [] value, Headers headers) throws Exception {
    return send(topic, 0, key, value, headers);
  }

  /** Sends one record to {@code partition} and returns where it landed. */
  RecordMetadata send(String topic, int partition, String key, byte @Nullable [] value, Headers headers) throws Exception {
    return producer.send(new ProducerRecord<>(topic, partition, key, value, headers)).get(30, TimeUnit.SECONDS);
  }

  /** Copies {@code headers}, leaving out those whose name starts with {@code dropPrefix} (null keeps all). */
  static Headers headers(Iterable<Header> headers, @Nullable String dropPrefix) {
    RecordHeaders out = new RecordHeaders();
    for (Header h : headers) {
      if (dropPrefix == null || !h.key().startsWith(dropPrefix)) {
        out.add(h.key(), h.value());
      }
    }
    return out;
  }

  /**
   * Waits until {@code expected} dead letters of the record at {@code sent} are on its topic's
   * dead-letter topic (one per consuming service) and returns their reasons.
   */
  List<String> awaitDeadLetters(RecordMetadata sent, int expected) {
    String dlt = Topics.deadLetter(sent.topic());
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      // every partition: Spring's recoverers keep the source partition, the drift detector's
      // Streams sink partitions by key
      List<TopicPartition> tps = consumer.partitionsFor(dlt).stream()
          .map(p -> new TopicPartition(dlt, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (reasons.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (sent.topic().equals(text(r.headers().lastHeader("kafka_dlt-original-topic")))
              && number(r.headers().lastHeader("kafka_dlt-original-partition")) == sent.partition()
              && number(r.headers().lastHeader("kafka_dlt-original-offset")) == sent.offset()) {
            Header reason = r.headers().lastHeader(DeadLetterReason.HEADER);
            reasons.add(reason == null ? "(no " + DeadLetterReason.HEADER + " header)" : text(reason));
          }
        }
      }
    }
    assertThat(reasons).as("dead letters of %s-%d@%d on %s", sent.topic(), sent.partition(), sent.offset(), dlt)
        .hasSize(expected);
    return reasons;
  }

  /** Waits until {@code group} has committed an offset past {@code sent} on its partition. */
  void awaitConsumedPast(String group, RecordMetadata sent) {
    TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Awaitility.await("group " + group + " past " + tp + "@" + sent.offset()).atMost(WAIT)
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = committed.get(tp);
            return o != null && o.offset() > sent.offset();
          });
    }
  }

  private static @Nullable String text(@Nullable Header h) {
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static long number(@Nullable Header h) {
    if (h == null) {
      return -1;
    }
    byte[] v = h.value();
    return v.length == Long.BYTES ? ByteBuffer.wrap(v).getLong() : v.length == Integer.BYTES ? ByteBuffer.wrap(v).getInt() : -1;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
