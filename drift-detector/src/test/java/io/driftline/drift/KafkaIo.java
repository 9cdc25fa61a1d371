package io.driftline.drift;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.TelemetryWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing telemetry and reading incidents on a real broker, for the detector's broker tests. */
public final class KafkaIo {

  private KafkaIo() {}

  /**
   * Creates the topics with {@code partitions} partitions each and no time-based retention: the
   * test windows carry event times in the past, which the broker's 7-day retention would delete.
   */
  public static void createTopics(String bootstrap, int partitions, String... names) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
      }
      admin.createTopics(topics).all().get();
    }
  }

  /** An idempotent producer of telemetry windows. */
  public static KafkaProducer<String, TelemetryWindow> telemetryProducer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), new EventSerializer<>());
  }

  /** Sends windows keyed by device id, stamped with their end time, and waits for the acks. */
  public static void send(KafkaProducer<String, TelemetryWindow> producer, String topic, List<TelemetryWindow> windows) {
    for (TelemetryWindow w : windows) {
      producer.send(new ProducerRecord<>(topic, null, w.end().toEpochMilli(), w.deviceId(), w));
    }
    producer.flush();
  }

  /**
   * Reads {@code topic} from the start with {@code isolation.level=read_committed} until
   * {@code done} holds for what was read (or the timeout passes), then for {@code settle} more.
   */
  public static List<DriftIncident> readCommittedIncidents(String bootstrap, String topic,
      Predicate<List<DriftIncident>> done, Duration timeout, Duration settle) {
    List<DriftIncident> read = new ArrayList<>();
    try (KafkaConsumer<String, DriftIncident> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new EventDeserializer<>(DriftIncident.class))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, DriftIncident> r : consumer.poll(Duration.ofMillis(200))) {
          read.add(r.value());
        }
        if (settleUntil == Long.MAX_VALUE && done.test(read)) {
          settleUntil = System.nanoTime() + settle.toNanos();
        }
      }
    }
    return read;
  }

  /** Reads every record of {@code topic} (raw bytes) until {@code count} arrived or the timeout passed. */
  public static List<ConsumerRecord<String, byte[]>> readRaw(String bootstrap, String topic, int count, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (read.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
    }
    return read;
  }
}
