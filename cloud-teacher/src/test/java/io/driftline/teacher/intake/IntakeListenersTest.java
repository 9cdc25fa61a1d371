package io.driftline.teacher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DeviceSampleCodec;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftIncident.State;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.Topics;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.RealPostgres;
import io.driftline.testsupport.TestProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The teacher's intake listeners on a real broker and a real database: samples end up in the table
 * once, poison records go to the dead-letter topic with a reason while the consumer carries on,
 * and incident listeners hear about each real change once.
 */
@RealPostgres
@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class IntakeListenersTest {

  private static final String SAMPLES = "device.samples.intake-" + UUID.randomUUID();
  private static final String INCIDENTS = "drift.incidents.intake-" + UUID.randomUUID();
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(60);

  static final List<IncidentChange> HEARD = new CopyOnWriteArrayList<>();

  @TestConfiguration
  static class RecordingListener {
    @Bean
    IncidentListener recordingIncidentListener() {
      return HEARD::add;
    }

    @Bean
    IncidentListener failingIncidentListener() {
      return change -> {
        throw new IllegalStateException("a listener that always fails must not stop the others");
      };
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestProperties.register(registry, IntakeListenersTest.class);
    // the drift detector declares drift.incidents, so here the test does
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(INCIDENTS, 2, (short) 1))).all().get();
    } catch (Exception e) {
      throw new IllegalStateException("could not create " + INCIDENTS, e);
    }
    registry.add("driftline.teacher.intake.samples-topic", () -> SAMPLES);
    registry.add("driftline.teacher.intake.incidents-topic", () -> INCIDENTS);
    registry.add("driftline.teacher.intake.partitions", () -> "2");
    registry.add("driftline.teacher.intake.max-pixel-bytes", () -> "1000");
    registry.add("driftline.teacher.intake.retry-interval", () -> "100ms");
  }

  @Autowired
  JdbcTemplate jdbc;

  @Autowired
  MeterRegistry meters;

  @Autowired
  SampleStore store;

  static DeviceSample sample(String device, long frame) {
    return sample(device, frame, 1);
  }

  static DeviceSample sample(String device, long frame, int channels) {
    byte[] pixels = new byte[channels * 28 * 28];
    Arrays.fill(pixels, (byte) frame);
    return DeviceSample.builder().setEventId(UUID.randomUUID().toString()).setDeviceId(device)
        .setStudentModelId("student-nano:1").setWindowSeq(frame / 5).setFrameIndex(frame)
        .setCapturedAt(T0.plusSeconds(frame)).setUncertainty(0.5f).setOodScore(0.4f).setPredictedClass(1)
        .setPixels(channels, 28, 28, pixels).build();
  }

  @Test
  void producedSamplesAreStoredOnceAndDuplicatesCounted(KafkaTestBroker kafka) throws Exception {
    double duplicatesBefore = count("driftline.teacher.samples.duplicates");
    List<DeviceSample> samples = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      samples.add(sample("dup-" + (i % 3), i));
    }
    DeviceSample twice = samples.get(4);
    try (KafkaProducer<String, DriftlineEvent> producer = eventProducer(kafka)) {
      for (DeviceSample s : samples) {
        producer.send(new ProducerRecord<>(SAMPLES, s.key(), s));
      }
      // sent back to back, so usually in the same poll as the original, and once more later
      producer.send(new ProducerRecord<>(SAMPLES, twice.key(), twice));
      producer.flush();
      await().atMost(WAIT).until(() -> rows("dup-") == 20);
      producer.send(new ProducerRecord<>(SAMPLES, twice.key(), twice)).get();
    }
    DeviceSample marker = sample("cam-marker", 99);
    send(kafka, marker);
    await().atMost(WAIT).until(() -> !store.findAll(List.of(marker.eventId())).isEmpty());

    assertThat(rows("dup-")).isEqualTo(20);
    assertThat(count("driftline.teacher.samples.duplicates") - duplicatesBefore).isEqualTo(2);
    assertThat(count("driftline.teacher.samples.ingested")).isGreaterThanOrEqualTo(21);
    StoredSample stored = store.findAll(List.of(twice.eventId())).get(0);
    assertThat(stored.image()).isEqualTo(twice.image());
    assertThat(store.countForDevice("dup-1", 0)).isEqualTo(samples.stream().filter(s -> s.deviceId().equals("dup-1")).count());
  }

  @Test
  void poisonSamplesAreDeadLetteredWithTheReasonAndLaterSamplesStored(KafkaTestBroker kafka) throws Exception {
    double deadBefore = count("driftline.teacher.samples.dead-lettered");
    byte[] garbage = "{\"eventId\": 42".getBytes(StandardCharsets.UTF_8);
    byte[] whole = DeviceSampleCodec.encode(sample("cam-truncated", 1));
    byte[] truncated = Arrays.copyOf(whole, whole.length - 100);
    DeviceSample oversized = sample("cam-big", 2, 2);
    DeviceSample wrongKey = sample("cam-key", 3);
    DeviceSample after = sample("cam-after", 4);
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config(kafka), new StringSerializer(),
        new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(SAMPLES, "cam-garbage", garbage)).get();
      raw.send(new ProducerRecord<>(SAMPLES, "cam-truncated", truncated)).get();
    }
    send(kafka, oversized);
    try (KafkaProducer<String, DriftlineEvent> producer = eventProducer(kafka)) {
      producer.send(new ProducerRecord<>(SAMPLES, "cam-other", wrongKey)).get();
    }
    send(kafka, after);

    await().atMost(WAIT).until(() -> !store.findAll(List.of(after.eventId())).isEmpty());
    Map<String, ConsumerRecord<String, byte[]>> dead = deadLetters(kafka, Topics.deadLetter(SAMPLES), 4);
    assertThat(dead.get("cam-garbage").value()).isEqualTo(garbage);
    assertThat(reason(dead.get("cam-garbage"))).startsWith("bad record on topic '" + SAMPLES + "'");
    assertThat(dead.get("cam-truncated").value()).isEqualTo(truncated);
    assertThat(reason(dead.get("cam-truncated"))).contains("truncated");
    assertThat(reason(dead.get("cam-big"))).contains("1568 pixel bytes, more than driftline.teacher.intake.max-pixel-bytes = 1000");
    assertThat(dead.get("cam-big").value()).isEqualTo(DeviceSampleCodec.encode(oversized));
    assertThat(reason(dead.get("cam-other"))).contains("key 'cam-other' is not its device id 'cam-key'");
    assertThat(rows("cam-big") + rows("cam-key") + rows("cam-truncated")).isZero();
    assertThat(count("driftline.teacher.samples.dead-lettered") - deadBefore).isEqualTo(4);
  }

  @Test
  void incidentListenersHearEachRealChangeOnceAndPoisonIsDeadLettered(KafkaTestBroker kafka) throws Exception {
    DriftIncident open = incident(State.OPEN, 10);
    DriftIncident adapting = incident(State.ADAPTING, 12);
    try (KafkaProducer<String, DriftlineEvent> producer = eventProducer(kafka);
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config(kafka), new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(INCIDENTS, open.key(), open));
      producer.send(new ProducerRecord<>(INCIDENTS, open.key(), open));
      raw.send(new ProducerRecord<>(INCIDENTS, "cam-x", "not json".getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(INCIDENTS, adapting.key(), adapting));
      // the teacher's own ADAPTING coming back, and a stale OPEN
      producer.send(new ProducerRecord<>(INCIDENTS, adapting.key(), adapting));
      producer.send(new ProducerRecord<>(INCIDENTS, open.key(), incident(State.OPEN, 11)));
      producer.send(new ProducerRecord<>(INCIDENTS, open.key(), incident(State.FAILED, 13))).get();
    }

    await().atMost(WAIT).until(() -> HEARD.stream().anyMatch(c -> c.incident().state() == State.FAILED));
    Map<String, ConsumerRecord<String, byte[]>> dead = deadLetters(kafka, Topics.deadLetter(INCIDENTS), 1);
    assertThat(reason(dead.get("cam-x"))).startsWith("bad record on topic '" + INCIDENTS + "'");
    assertThat(HEARD).extracting(c -> c.previousState() + "->" + c.incident().state())
        .containsExactly("null->OPEN", "OPEN->ADAPTING", "ADAPTING->FAILED");
    assertThat(HEARD.get(2).incident().lastWindowSeq()).isEqualTo(13);
  }

  static DriftIncident incident(State state, long lastWindow) {
    return new DriftIncident("inc-listeners", "cam-incident", state, "page-hinkley", "oodScore.mean", 7.5, T0,
        T0.plusSeconds(lastWindow), 5, lastWindow, null, null);
  }

  private long rows(String devicePrefix) {
    Long n = jdbc.queryForObject("SELECT count(*) FROM samples WHERE device_id LIKE ?", Long.class, devicePrefix + "%");
    return n == null ? 0 : n;
  }

  private double count(String counter) {
    return meters.counter(counter).count();
  }

  private static void send(KafkaTestBroker kafka, DeviceSample sample) throws Exception {
    try (KafkaProducer<String, DriftlineEvent> producer = eventProducer(kafka)) {
      producer.send(new ProducerRecord<>(SAMPLES, sample.key(), sample)).get();
    }
  }

  private static KafkaProducer<String, DriftlineEvent> eventProducer(KafkaTestBroker kafka) {
    return new KafkaProducer<>(config(kafka), new StringSerializer(), new EventSerializer<>());
  }

  private static Map<String, Object> config(KafkaTestBroker kafka) {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
  }

  private static String reason(ConsumerRecord<String, byte[]> record) {
    return new String(record.headers().lastHeader(DeadLetterReason.HEADER).value(), StandardCharsets.UTF_8);
  }

  private static Map<String, ConsumerRecord<String, byte[]>> deadLetters(KafkaTestBroker kafka, String topic,
      int count) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<String, ConsumerRecord<String, byte[]>> records = new java.util.HashMap<>();
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> records.put(r.key(), r));
        return records.size() >= count;
      });
      return records;
    }
  }
}
