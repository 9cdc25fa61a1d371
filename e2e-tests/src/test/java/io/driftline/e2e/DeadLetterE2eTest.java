package io.driftline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.events.CloudEventHeaders;
import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DeviceSampleCodec;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.DropCounts;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventFormatException;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.ScoreSummary;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.events.Topics;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * A Spring Kafka consumer wired as docs/events.md and CONVENTIONS.md prescribe
 * ({@code ErrorHandlingDeserializer} around {@code EventDeserializer}, {@code DefaultErrorHandler}
 * with a {@code DeadLetterPublishingRecoverer} onto {@code Topics.deadLetter(topic)}) meets poison
 * records on a real broker: each lands on {@code <topic>-dlt} with its original bytes and the
 * reason, and the consumer carries on with the next record.
 */
@RealKafka
class DeadLetterE2eTest {

  private static final String DEVICE = "cam-0042";

  @Test
  void poisonSamplesGoToTheDeadLetterTopicWithTheReasonAndTheConsumerCarriesOn(KafkaTestBroker kafka)
      throws Exception {
    String topic = E2eKafka.uniqueTopic(Topics.DEVICE_SAMPLES);
    String deadLetters = Topics.deadLetter(topic);
    // The recoverer keeps the source partition, so the dead-letter topic needs as many partitions.
    E2eKafka.createTopics(kafka, new NewTopic(topic, 2, (short) 1), new NewTopic(deadLetters, 2, (short) 1));
    String group = "e2e-dlt-" + UUID.randomUUID();

    DeviceSample first = sample(0);
    DeviceSample second = sample(1);
    DeviceSample afterwards = sample(2);
    byte[] garbage = new byte[64];
    new SplittableRandom(5).nextBytes(garbage);
    garbage[0] = 0x42;
    byte[] truncated = Arrays.copyOf(DeviceSampleCodec.encode(sample(99)), 200);
    RecordHeaders truncatedHeaders = new RecordHeaders();
    CloudEventHeaders.of(sample(99)).writeTo(truncatedHeaders);
    TelemetryWindow wrongType = new TelemetryWindow(DEVICE, 7, Instant.parse("2025-03-14T09:26:50Z"),
        Instant.parse("2025-03-14T09:27:00Z"), 10, new ScoreSummary(0.2, 0.1, 0.2, 0.3, 0.4), 0.5, 0.7, 1,
        DropCounts.NONE, null, new int[0]);

    BlockingQueue<ConsumerRecord<String, DeviceSample>> processed = new LinkedBlockingQueue<>();
    DefaultKafkaProducerFactory<String, byte[]> deadLetterProducers = new DefaultKafkaProducerFactory<>(
        E2eKafka.producerConfig(kafka), new StringSerializer(), new ByteArraySerializer());
    KafkaMessageListenerContainer<String, DeviceSample> container =
        samplesListener(kafka, topic, group, deadLetterProducers, processed::add);
    container.start();
    try (KafkaProducer<String, DriftlineEvent> events = new KafkaProducer<>(
            E2eKafka.producerConfig(kafka), new StringSerializer(), new EventSerializer<>());
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
            E2eKafka.producerConfig(kafka), new StringSerializer(), new ByteArraySerializer())) {
      // Each send completes before the next, so all six land in this order on DEVICE's partition.
      events.send(new ProducerRecord<>(topic, DEVICE, first)).get();
      RecordMetadata garbageAt = raw.send(new ProducerRecord<>(topic, DEVICE, garbage)).get();
      RecordMetadata truncatedAt =
          raw.send(new ProducerRecord<>(topic, null, DEVICE, truncated, truncatedHeaders)).get();
      RecordMetadata wrongTypeAt = events.send(new ProducerRecord<>(topic, DEVICE, wrongType)).get();
      events.send(new ProducerRecord<>(topic, DEVICE, second)).get();

      await().atMost(E2eKafka.RECORD_WAIT).until(() -> processed.size() >= 2);
      List<ConsumerRecord<String, byte[]>> dead = E2eKafka.readFromStart(kafka, deadLetters, 3,
          new StringDeserializer(), new ByteArrayDeserializer());

      assertThat(dead).hasSize(3);
      assertDeadLetter(dead.get(0), garbage, garbageAt, topic, "bad magic byte 0x42, expected 0xD1");
      assertDeadLetter(dead.get(1), truncated, truncatedAt, topic, "truncated: pixels needs 784 bytes");
      byte[] wrongTypeJson = new EventSerializer<TelemetryWindow>().serialize(topic, wrongType);
      assertDeadLetter(dead.get(2), wrongTypeJson, wrongTypeAt, topic,
          "header ce_type is 'io.driftline.device.telemetry.v1' but this consumer reads "
              + "'io.driftline.device.sample.v1'");
      // The original CloudEvents headers travel with the dead letter, so it can be traced and replayed.
      assertThat(CloudEventHeaders.readFrom(deadLetters, dead.get(1).headers()))
          .isEqualTo(CloudEventHeaders.of(sample(99)));
      assertThat(CloudEventHeaders.readFrom(deadLetters, dead.get(2).headers()))
          .isEqualTo(CloudEventHeaders.of(wrongType));

      // Still consuming after the poison records: a record sent now is processed too.
      RecordMetadata lastAt = events.send(new ProducerRecord<>(topic, DEVICE, afterwards)).get();
      await().atMost(E2eKafka.RECORD_WAIT).until(() -> processed.size() >= 3);
      assertThat(container.isRunning()).isTrue();
      List<ConsumerRecord<String, DeviceSample>> good = new ArrayList<>(processed);
      assertThat(good).extracting(ConsumerRecord::value).containsExactly(first, second, afterwards);
      assertThat(good).extracting(ConsumerRecord::key).containsOnly(DEVICE);

      // The poison records were committed past, not left to be redelivered after a restart.
      TopicPartition partition = new TopicPartition(topic, lastAt.partition());
      await().atMost(E2eKafka.RECORD_WAIT).untilAsserted(() ->
          assertThat(committedOffset(kafka, group, partition)).isEqualTo(lastAt.offset() + 1));
      assertThat(endOffset(kafka, partition)).isEqualTo(lastAt.offset() + 1);
    } finally {
      container.stop();
      deadLetterProducers.destroy();
    }
  }

  /**
   * Builds the consumer as a service would: the value deserializer is created by class name and
   * configured through properties (the ones docs/events.md lists), errors go to the dead-letter topic.
   */
  private static KafkaMessageListenerContainer<String, DeviceSample> samplesListener(KafkaTestBroker kafka,
      String topic, String group, DefaultKafkaProducerFactory<String, byte[]> deadLetterProducers,
      MessageListener<String, DeviceSample> listener) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class.getName(),
        "spring.deserializer.value.delegate.class", EventDeserializer.class.getName(),
        "driftline.events.type", "DEVICE_SAMPLE");
    ContainerProperties properties = new ContainerProperties(topic);
    properties.setGroupId(group);
    properties.setMessageListener(listener);
    // Only shortens stop(); records are delivered as soon as they arrive either way.
    properties.setPollTimeout(500);
    KafkaMessageListenerContainer<String, DeviceSample> container =
        new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(config), properties);

    var recoverer = new DeadLetterPublishingRecoverer(new KafkaTemplate<>(deadLetterProducers),
        (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
    recoverer.addHeadersFunction((record, exception) ->
        new RecordHeaders().add(DeadLetterReason.HEADER, DeadLetterReason.headerValue(exception)));
    container.setCommonErrorHandler(new DefaultErrorHandler(recoverer, new FixedBackOff(100, 2)));
    return container;
  }

  private static void assertDeadLetter(ConsumerRecord<String, byte[]> dead, byte[] originalValue,
      RecordMetadata original, String topic, String reason) {
    assertThat(dead.key()).isEqualTo(DEVICE);
    assertThat(dead.value()).isEqualTo(originalValue);
    assertThat(dead.partition()).isEqualTo(original.partition());
    assertThat(text(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
    assertThat(ByteBuffer.wrap(bytes(dead, KafkaHeaders.DLT_ORIGINAL_PARTITION)).getInt())
        .isEqualTo(original.partition());
    assertThat(ByteBuffer.wrap(bytes(dead, KafkaHeaders.DLT_ORIGINAL_OFFSET)).getLong())
        .isEqualTo(original.offset());
    // ErrorHandlingDeserializer wraps our exception, so the fqcn and message headers describe
    // Spring's DeserializationException ("failed to deserialize"); the reason is its cause, which
    // the stack-trace header records in full (as docs/events.md says).
    assertThat(text(dead, KafkaHeaders.DLT_EXCEPTION_FQCN)).isEqualTo(DeserializationException.class.getName());
    assertThat(text(dead, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isNotBlank();
    assertThat(text(dead, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).contains("Caused by: "
        + EventFormatException.class.getName() + ": bad record on topic '" + topic + "': " + reason);
    // The reason in a header of its own, so an operator need not read the stack trace.
    assertThat(text(dead, DeadLetterReason.HEADER)).startsWith("bad record on topic '" + topic + "': " + reason);
  }

  private static long committedOffset(KafkaTestBroker kafka, String group, TopicPartition partition)
      throws Exception {
    try (Admin admin = E2eKafka.admin(kafka)) {
      OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get().get(partition);
      return committed == null ? -1 : committed.offset();
    }
  }

  private static long endOffset(KafkaTestBroker kafka, TopicPartition partition) throws Exception {
    try (Admin admin = E2eKafka.admin(kafka)) {
      return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
    }
  }

  private static DeviceSample sample(int frame) {
    byte[] pixels = new byte[28 * 28];
    new SplittableRandom(frame).nextBytes(pixels);
    return DeviceSample.builder()
        .setEventId("sample-" + frame)
        .setDeviceId(DEVICE)
        .setStudentModelId("fashion-mnist-student")
        .setWindowSeq(3)
        .setFrameIndex(frame)
        .setCapturedAt(Instant.parse("2025-03-14T09:26:53Z").plusMillis(frame))
        .setUncertainty(1.5f)
        .setOodScore(0.3f)
        .setPredictedClass(frame % 10)
        .setPixels(1, 28, 28, pixels)
        .build();
  }

  private static byte[] bytes(ConsumerRecord<?, ?> record, String header) {
    assertThat(record.headers().lastHeader(header)).as("header %s", header).isNotNull();
    return record.headers().lastHeader(header).value();
  }

  private static String text(ConsumerRecord<?, ?> record, String header) {
    return new String(bytes(record, header), StandardCharsets.UTF_8);
  }
}
