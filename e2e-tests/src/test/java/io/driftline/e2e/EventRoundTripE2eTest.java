package io.driftline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.CloudEventHeaders;
import io.driftline.core.events.DesiredState;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DropCounts;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.ScoreSummary;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.events.Topics;
import io.driftline.core.hdc.Hypervector;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Each event format crosses a real broker: produced with {@link EventSerializer} by an idempotent
 * producer, consumed with {@link EventDeserializer}, and checked against the values docs/events.md
 * promises (topic layout, CloudEvents headers, the binary sample layout, JSON field names).
 */
@RealKafka
class EventRoundTripE2eTest {

  private static final Instant CAPTURED_AT = Instant.parse("2025-03-14T09:26:53.123456789Z");

  @Test
  void deviceSampleArrivesWithExactPixelsKeyAndCloudEventsHeaders(KafkaTestBroker kafka) throws Exception {
    String topic = E2eKafka.uniqueTopic(Topics.DEVICE_SAMPLES);
    E2eKafka.createTopics(kafka, new NewTopic(topic, 2, (short) 1));
    byte[] pixels = everyByteValueThenRandom(3 * 20 * 20, 11);
    float[] features = {0.5f, -1.25f, 3.0e-7f, Float.MAX_VALUE};
    Hypervector hypervector = new Hypervector(100, new long[] {0x8000_0000_0000_0001L, 0x0F_FFFF_FFFFL});
    DeviceSample sample = DeviceSample.builder()
        .setEventId("3f1c2a9e-7b4d-4e8a-9c21-5d6e7f8a9b0c")
        .setDeviceId("cam-0042")
        .setStudentModelId("fashion-mnist-student")
        .optActiveBundle(new BundleRef("bundle-7f3a", 3))
        .setWindowSeq(1234)
        .setFrameIndex(98_765)
        .setCapturedAt(CAPTURED_AT)
        .setUncertainty(1.75f)
        .setOodScore(0.42f)
        .setPredictedClass(7)
        .optDomainHint("fog")
        .setPixels(3, 20, 20, pixels.clone())
        .optFeatures(features)
        .optHypervector(hypervector)
        .build();

    try (KafkaProducer<String, DeviceSample> producer = new KafkaProducer<>(
        E2eKafka.producerConfig(kafka), new StringSerializer(), new EventSerializer<>())) {
      producer.send(new ProducerRecord<>(topic, sample.key(), sample)).get();
    }

    ConsumerRecord<String, DeviceSample> received = single(E2eKafka.readFromStart(kafka, topic, 1,
        new StringDeserializer(), new EventDeserializer<>(DeviceSample.class)));
    assertThat(received.key()).isEqualTo("cam-0042");
    assertThat(received.value().pixels()).isEqualTo(pixels);
    assertThat(received.value().features()).isEqualTo(features);
    assertThat(received.value().hypervector()).isEqualTo(hypervector);
    assertThat(received.value()).isEqualTo(sample);
    // Expected attributes written out from the tables in docs/events.md, not from the code.
    assertThat(CloudEventHeaders.readFrom(topic, received.headers())).isEqualTo(new CloudEventHeaders(
        "3f1c2a9e-7b4d-4e8a-9c21-5d6e7f8a9b0c", "io.driftline.device.sample.v1", "/devices/cam-0042",
        CAPTURED_AT, null, "application/vnd.driftline.device-sample.v1"));
    assertThat(header(received, "ce_specversion")).isEqualTo("1.0");
    assertThat(header(received, "ce_time")).isEqualTo("2025-03-14T09:26:53.123456789Z");

    // On the wire: the binary layout, with the pixels stored raw right before the two optional
    // trailing sections (features: i32 count + 4 bytes each; hypervector: i32 dimension + 8 bytes a word).
    byte[] wire = single(E2eKafka.readFromStart(kafka, topic, 1,
        new StringDeserializer(), new ByteArrayDeserializer())).value();
    assertThat(wire[0]).isEqualTo((byte) 0xD1);
    assertThat(wire[1]).isEqualTo((byte) 1);
    assertThat(wire[2]).isEqualTo((byte) 0b1111);
    int pixelsEnd = wire.length - (4 + 4 * features.length) - (4 + 8 * 2);
    assertThat(Arrays.copyOfRange(wire, pixelsEnd - pixels.length, pixelsEnd)).isEqualTo(pixels);
    ByteBuffer trailer = ByteBuffer.wrap(wire, pixelsEnd, wire.length - pixelsEnd);
    assertThat(trailer.getInt()).isEqualTo(features.length);
    for (float f : features) {
      assertThat(trailer.getFloat()).isEqualTo(f);
    }
    assertThat(trailer.getInt()).isEqualTo(100);
    assertThat(trailer.getLong()).isEqualTo(0x8000_0000_0000_0001L);
  }

  @Test
  void telemetryWindowsRoundTripAsJsonInKeyOrder(KafkaTestBroker kafka) throws Exception {
    String topic = E2eKafka.uniqueTopic(Topics.DEVICE_TELEMETRY);
    E2eKafka.createTopics(kafka, new NewTopic(topic, 2, (short) 1));
    // A non-ASCII device id checks UTF-8 keys and the percent-encoded ce_source end to end.
    String deviceId = "gerät 7";
    List<TelemetryWindow> windows = List.of(window(deviceId, 0), window(deviceId, 1), window(deviceId, 2));

    try (KafkaProducer<String, TelemetryWindow> producer = new KafkaProducer<>(
        E2eKafka.producerConfig(kafka), new StringSerializer(), new EventSerializer<>())) {
      for (TelemetryWindow w : windows) {
        producer.send(new ProducerRecord<>(topic, w.key(), w)).get();
      }
    }

    List<ConsumerRecord<String, TelemetryWindow>> received = E2eKafka.readFromStart(kafka, topic, 3,
        new StringDeserializer(), new EventDeserializer<>(TelemetryWindow.class));
    assertThat(received).extracting(ConsumerRecord::value).containsExactlyElementsOf(windows);
    assertThat(received).extracting(ConsumerRecord::key).containsOnly(deviceId);
    assertThat(received).extracting(ConsumerRecord::partition).containsOnly(received.get(0).partition());
    ConsumerRecord<String, TelemetryWindow> last = received.get(2);
    assertThat(CloudEventHeaders.readFrom(topic, last.headers())).isEqualTo(new CloudEventHeaders(
        "telemetry-2", "io.driftline.device.telemetry.v1", "/devices/ger%C3%A4t%207",
        windows.get(2).end(), null, "application/json"));

    String json = new String(E2eKafka.readFromStart(kafka, topic, 3,
        new StringDeserializer(), new ByteArrayDeserializer()).get(0).value(), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{")
        .contains("\"deviceId\":\"gerät 7\"", "\"windowSeq\":0", "\"frameCount\":300",
            "\"start\":\"2025-03-14T09:26:50Z\"", "\"classHistogram\":[");
  }

  @Test
  void desiredStateTombstoneOnCompactedTopicReadsBackAsNull(KafkaTestBroker kafka) throws Exception {
    String topic = E2eKafka.uniqueTopic(Topics.FLEET_DESIRED_STATE);
    E2eKafka.createTopics(kafka, new NewTopic(topic, 2, (short) 1)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    try (Admin admin = E2eKafka.admin(kafka)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
    }
    DesiredState desired = new DesiredState("cam-0042", new BundleRef("bundle-7f3a", 4),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "/api/v1/artefacts/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "registry-2025-01", Instant.parse("2025-03-14T09:27:00Z"), 17);

    try (KafkaProducer<String, DesiredState> producer = new KafkaProducer<>(
        E2eKafka.producerConfig(kafka), new StringSerializer(), new EventSerializer<>())) {
      producer.send(new ProducerRecord<>(topic, desired.key(), desired)).get();
      producer.send(new ProducerRecord<>(topic, "cam-0042", null)).get();
    }

    List<ConsumerRecord<String, DesiredState>> received = E2eKafka.readFromStart(kafka, topic, 2,
        new StringDeserializer(), new EventDeserializer<>(DesiredState.class));
    assertThat(received).extracting(ConsumerRecord::key).containsExactly("cam-0042", "cam-0042");
    assertThat(received.get(0).value()).isEqualTo(desired);
    assertThat(CloudEventHeaders.readFrom(topic, received.get(0).headers())).isEqualTo(new CloudEventHeaders(
        "desired-state/cam-0042/17", "io.driftline.fleet.desired-state.v1", "/registry",
        Instant.parse("2025-03-14T09:27:00Z"), "cam-0042", "application/json"));
    assertThat(received.get(1).value()).isNull();
    // A tombstone's value is null on the wire too (not an empty array or a JSON "null"), which
    // is what the log cleaner needs to delete the key.
    ConsumerRecord<String, byte[]> rawTombstone = E2eKafka.readFromStart(kafka, topic, 2,
        new StringDeserializer(), new ByteArrayDeserializer()).get(1);
    assertThat(rawTombstone.value()).isNull();
  }

  private static TelemetryWindow window(String deviceId, long seq) {
    Instant start = Instant.parse("2025-03-14T09:26:50Z").plusSeconds(10 * seq);
    return new TelemetryWindow(deviceId, seq, start, start.plusSeconds(10), 300,
        new ScoreSummary(0.21 + seq, 0.07, 0.19, 0.31, 0.48), 0.83, 0.71, 4, new DropCounts(2, 0),
        seq == 0 ? null : new BundleRef("bundle-7f3a", seq),
        new int[] {31, 29, 30, 28, 33, 30, 29, 31, 30, 29});
  }

  /** Pixels holding every byte value once (the high ones would break a signed or char conversion). */
  private static byte[] everyByteValueThenRandom(int size, long seed) {
    byte[] bytes = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i < 256 ? i : random.nextInt(256));
    }
    return bytes;
  }

  private static <K, V> ConsumerRecord<K, V> single(List<ConsumerRecord<K, V>> records) {
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
