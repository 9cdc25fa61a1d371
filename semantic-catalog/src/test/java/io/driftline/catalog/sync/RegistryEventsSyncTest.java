package io.driftline.catalog.sync;

import static io.driftline.catalog.Descriptions.bundle;
import static io.driftline.catalog.Descriptions.device;
import static io.driftline.catalog.Descriptions.event;
import static io.driftline.catalog.Descriptions.student;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.catalog.Descriptions;
import io.driftline.catalog.TestDatasets;
import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore;
import io.driftline.catalog.graph.DescriptionMapper;
import io.driftline.catalog.match.Matchmaker;
import io.driftline.catalog.shapes.ShapeValidator;
import io.driftline.catalog.vocab.VersionRef;
import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.RegistryEvent;
import io.driftline.core.events.RegistryEvent.Type;
import io.driftline.core.events.Topics;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.TestProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.jena.graph.Graph;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The catalog service follows a real {@code registry.events} topic: it applies each event once,
 * dead-letters records it cannot read or apply with the reason and carries on, and a rebuild from
 * the start of the topic gives an isomorphic graph.
 */
@SpringBootTest
@RealKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryEventsSyncTest {

  private static final String TOPIC = "registry.events.sync-" + UUID.randomUUID();
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired
  Catalog catalog;

  @Autowired
  Matchmaker matchmaker;

  @TempDir
  Path rebuildFolder;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestProperties.register(registry, RegistryEventsSyncTest.class);
    registry.add("driftline.catalog.dataset", TestDatasets::newFolder);
    registry.add("driftline.catalog.events.topic", () -> TOPIC);
    registry.add("driftline.catalog.events.retry-interval", () -> "50ms");
  }

  @Test
  @Order(1)
  void eventsBuildTheGraphThatMatchmakingUses(KafkaTestBroker kafka) throws Exception {
    send(kafka, event("m-1", Type.MODEL_REGISTERED, "student-small", Descriptions.JSON.createObjectNode()
        .put("name", "student-small").put("kind", "student"), T0));
    send(kafka, event("v-1", Type.VERSION_CREATED, "student-small:1", student("student-small", 1), T0));
    send(kafka, event("b-1", Type.BUNDLE_CREATED, "bundle-a:1", bundle("bundle-a", 1, "student-small:1", "INT8"), T0));
    for (int i = 0; i < 5; i++) {
      send(kafka, event("d-" + i, Type.DEVICE_ENROLLED, "cam-" + i, device("cam-" + i), T0.plusSeconds(i)));
    }
    send(kafka, event("a-1", Type.ALIAS_SET, "bundle-a", Descriptions.JSON.createObjectNode()
        .put("name", "bundle-a").put("alias", "production").put("version", 1), T0));
    send(kafka, event("r-1", Type.DEVICE_REVOKED, "cam-4", Descriptions.JSON.createObjectNode()
        .put("deviceId", "cam-4"), T0.plusSeconds(10)));
    await().atMost(WAIT).until(() -> List.of("m-1", "v-1", "b-1", "d-0", "d-1", "d-2", "d-3", "d-4", "a-1", "r-1")
        .stream().allMatch(catalog.store()::applied));

    // The index follows each commit right after it, so it may trail the applied ids by a moment.
    await().atMost(WAIT).untilAsserted(() -> {
      Matchmaker.ArtefactMatch match = matchmaker.devicesFor(new VersionRef("bundle-a", 1), 100);
      assertThat(match).isNotNull();
      assertThat(match.devices()).containsExactly("cam-0", "cam-1", "cam-2", "cam-3");
    });
  }

  @Test
  @Order(2)
  void theSameEventTwiceIsAppliedOnce(KafkaTestBroker kafka) throws Exception {
    Graph before = catalog.store().unionSnapshot();
    // Same event id, different RAM: applying it again would show.
    send(kafka, event("d-0", Type.DEVICE_ENROLLED, "cam-0", device("cam-0").put("ramBytes", 1), T0.plusSeconds(20)));
    send(kafka, event("marker-2", Type.REPORTED_STATE, "cam-0", Descriptions.JSON.createObjectNode()
        .put("deviceId", "cam-0").put("activeBundle", "bundle-a:1"), T0.plusSeconds(21)));
    await().atMost(WAIT).until(() -> catalog.store().applied("marker-2"));

    assertThat(matchmaker.fitFor("cam-0").currentBudget().maxAdaptorBytes()).isEqualTo(262_144);
    Graph after = catalog.store().unionSnapshot();
    assertThat(after.size()).isGreaterThan(before.size());
    after.find().forEach(t -> {
      if (!before.contains(t)) {
        assertThat(t.getPredicate().getURI()).as("only the marker event may add triples, got %s", t)
            .isIn("https://driftline.io/ns#activeBundle", "https://driftline.io/ns#updatedAt",
                "https://driftline.io/ns#eventType", "https://driftline.io/ns#entityId",
                "https://driftline.io/ns#occurredAt", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
      }
    });
  }

  @Test
  @Order(3)
  void unreadableAndInvalidRecordsAreDeadLetteredWithTheReasonAndTheConsumerCarriesOn(KafkaTestBroker kafka)
      throws Exception {
    byte[] garbage = "{\"eventId\": 42".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(),
        new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(TOPIC, "cam-9", garbage)).get();
    }
    send(kafka, event("bad-1", Type.DEVICE_ENROLLED, "cam-8", device("cam-8").put("ramBytes", -1), T0));
    send(kafka, event("after-1", Type.DEVICE_ENROLLED, "cam-7", device("cam-7"), T0));

    await().atMost(WAIT).until(() -> catalog.store().applied("after-1"));
    List<ConsumerRecord<String, byte[]>> dead = readFromStart(kafka, Topics.deadLetter(TOPIC), 2);
    assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("cam-9", "cam-8");
    ConsumerRecord<String, byte[]> unreadable = dead.stream().filter(r -> r.key().equals("cam-9")).findFirst().orElseThrow();
    ConsumerRecord<String, byte[]> invalid = dead.stream().filter(r -> r.key().equals("cam-8")).findFirst().orElseThrow();
    assertThat(unreadable.value()).isEqualTo(garbage);
    assertThat(reason(unreadable)).startsWith("bad record on topic '" + TOPIC + "'");
    assertThat(reason(invalid)).contains("device cam-8 does not conform to the catalog shapes")
        .contains("ramBytes must be one whole number of bytes >= 1");
    assertThat(catalog.store().applied("bad-1")).isFalse();
    assertThat(matchmaker.fitFor("cam-8")).isNull();
  }

  @Test
  @Order(4)
  void replayingTheTopicFromTheStartRebuildsAnIsomorphicGraph(KafkaTestBroker kafka) {
    Graph live = catalog.store().unionSnapshot();

    try (CatalogStore rebuilt = new CatalogStore(rebuildFolder.resolve("tdb2"))) {
      Catalog fresh = new Catalog(rebuilt, new DescriptionMapper(), new ShapeValidator());
      CatalogRebuild.Summary summary = new CatalogRebuild(kafka.bootstrapServers(), TOPIC).run(fresh);

      assertThat(summary.unreadable()).isEqualTo(1);
      assertThat(summary.rejected()).singleElement().asString().startsWith("bad-1: ");
      assertThat(summary.skipped()).isEqualTo(1);
      assertThat(rebuilt.graphNames()).isEqualTo(catalog.store().graphNames());
      assertThat(rebuilt.unionSnapshot().isIsomorphicWith(live)).isTrue();
    }
  }

  private static void send(KafkaTestBroker kafka, RegistryEvent event) throws Exception {
    try (KafkaProducer<String, DriftlineEvent> producer = new KafkaProducer<>(producerConfig(kafka),
        new StringSerializer(), new EventSerializer<>())) {
      producer.send(new ProducerRecord<>(TOPIC, event.key(), event)).get();
    }
  }

  private static Map<String, Object> producerConfig(KafkaTestBroker kafka) {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
  }

  private static List<ConsumerRecord<String, byte[]>> readFromStart(KafkaTestBroker kafka, String topic, int count) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.size() >= count;
      });
      return records;
    }
  }

  private static String reason(ConsumerRecord<String, byte[]> record) {
    return new String(record.headers().lastHeader(DeadLetterReason.HEADER).value(), StandardCharsets.UTF_8);
  }
}
