package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.CloudEventHeaders;
import io.driftline.core.events.DesiredState;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.RegistryEvent;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.registry.model.ModelKind;
import io.driftline.registry.model.Rollout.Cohort;
import io.driftline.registry.store.ArtefactStore;
import io.driftline.registry.store.DeploymentStore;
import io.driftline.registry.store.DeviceStore;
import io.driftline.registry.store.ModelStore;
import io.driftline.registry.model.Lineage;
import io.driftline.registry.model.Requirements;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.RealPostgres;
import io.driftline.testsupport.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A restart in the middle of outbox publishing: one application instance publishes part of the
 * outbox and is stopped, a new one publishes the rest, and every committed event is on Kafka exactly
 * once (by event id), with the payloads docs/registry-events.md describes.
 */
@RealPostgres
@RealKafka
class OutboxRestartTest {

  static final Path DATA = RegistryTest.tempDataDir("outbox");
  static final int MODELS = 120;
  static final int DEVICES = 30;

  private ConfigurableApplicationContext start(TestDatabase db, Map<String, String> settings, boolean publish, int batch) {
    Map<String, Object> p = new HashMap<>(settings);
    p.put("spring.datasource.url", db.jdbcUrl());
    p.put("spring.datasource.username", db.user());
    p.put("spring.datasource.password", db.password());
    p.put("spring.kafka.bootstrap-servers", KafkaTestBroker.bootstrap());
    p.put("server.port", "0");
    p.put("driftline.registry.outbox.enabled", String.valueOf(publish));
    p.put("driftline.registry.outbox.batch-size", String.valueOf(batch));
    p.put("driftline.registry.outbox.poll-interval", "100ms");
    // command-line arguments, because builder properties rank below application.yml
    String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    return new SpringApplicationBuilder(ModelRegistryApplication.class).run(args);
  }

  private static long published(JdbcClient jdbc) {
    return jdbc.sql("select count(*) from outbox where published_at is not null").query(Long.class).single();
  }

  /** Registers models, a student, a bundle and devices and rolls the bundle out: events of every kind. */
  private static void makeChanges(ConfigurableApplicationContext app, KeyPair teacherKey) {
    ModelStore models = app.getBean(ModelStore.class);
    ArtefactStore artefacts = app.getBean(ArtefactStore.class);
    DeviceStore devices = app.getBean(DeviceStore.class);
    for (int i = 0; i < MODELS; i++) {
      models.register("test", "teacher-" + i, ModelKind.TEACHER, null, Map.of("i", Integer.toString(i)));
    }
    byte[] onnx = SyntheticStudents.nano(3);
    String studentDigest = artefacts.upload("test", "application/onnx", onnx.length, new ByteArrayInputStream(onnx))
        .artefact().digest();
    models.register("test", "student-o", ModelKind.STUDENT, "nano", Map.of());
    models.createVersion("test", "student-o", studentDigest, Map.of("accuracy", 0.8), Lineage.EMPTY, null, null);
    byte[] bundle = TestArtefacts.bundle("bundle-o", 1, "student-o:1", 500, teacherKey.getPrivate());
    String bundleDigest = artefacts.upload("test", "application/vnd.driftline.bundle", bundle.length,
        new ByteArrayInputStream(bundle)).artefact().digest();
    models.register("test", "bundle-o", ModelKind.BUNDLE, null, Map.of());
    models.createVersion("test", "bundle-o", bundleDigest, Map.of(),
        new Lineage("student-o:1", null, List.of("s-1", "s-2"), "inc-1", Map.of("lr", 0.1),
            Map.of("passed", true, "gain", 0.04), "abc"),
        new Requirements("student-o:1", "INT8", 1024L, 5000L, 28, 28, 1), null);
    models.setAlias("test", "bundle-o", "production", 1, null);
    for (int i = 0; i < DEVICES; i++) {
      devices.enrol("test", new DeviceStore.Description("mcu", "student-o:1", List.of("INT8"), 1000, 1000, 1000,
          null, List.of(), Map.of("domain", "fog")));
    }
    app.getBean(DeploymentStore.class).rollout("test", "bundle-o:1", new Cohort("mcu", null, null, null));
  }

  @Test
  void everyEventIsPublishedExactlyOnceAcrossARestart(TestDatabase db) throws Exception {
    KeyPair registryKey = Ed25519Keys.generate();
    java.nio.file.Files.createDirectories(DATA);
    Ed25519Keys.writePrivateKey(DATA.resolve("signing-key.pem"), registryKey.getPrivate());
    Ed25519Keys.writePublicKey(DATA.resolve("signing-key.pem.pub"), registryKey.getPublic());
    KeyPair teacherKey = Ed25519Keys.generate();
    Map<String, String> settings = new HashMap<>(RegistryTest.settings(OutboxRestartTest.class, DATA));
    settings.put("driftline.registry.signing.trusted-keys[0]", Ed25519Keys.toRawBase64(teacherKey.getPublic()));

    long total;
    try (ConfigurableApplicationContext writer = start(db, settings, false, 10)) {
      makeChanges(writer, teacherKey);
      JdbcClient jdbc = writer.getBean(JdbcClient.class);
      total = jdbc.sql("select count(*) from outbox").query(Long.class).single();
      assertThat(published(jdbc)).isZero();
    }
    // 120 models + student (model, artefact, version) + bundle (artefact, model, version, alias,
    // artefact re-signed by the registry, promotion) + 30 enrolments + 30 desired states + 30 DESIRED_STATE_SET
    assertThat(total).isEqualTo(MODELS + 3 + 6 + 3L * DEVICES);

    long afterFirst;
    try (ConfigurableApplicationContext first = start(db, settings, true, 5)) {
      JdbcClient jdbc = first.getBean(JdbcClient.class);
      await().atMost(Duration.ofSeconds(60)).until(() -> published(jdbc) >= 40);
    }
    try (ConfigurableApplicationContext check = start(db, settings, false, 5)) {
      afterFirst = published(check.getBean(JdbcClient.class));
    }
    assertThat(afterFirst).as("the first instance stopped part-way").isBetween(40L, total - 1);

    Set<String> outboxIds;
    try (ConfigurableApplicationContext second = start(db, settings, true, 50)) {
      JdbcClient jdbc = second.getBean(JdbcClient.class);
      await().atMost(Duration.ofSeconds(60)).until(() -> published(jdbc) == total);
      outboxIds = Set.copyOf(jdbc.sql("select event_id from outbox").query(String.class).list());
    }

    List<ConsumerRecord<String, byte[]>> events = readAll(settings.get("driftline.registry.topics.registry-events"),
        total - DEVICES);
    List<ConsumerRecord<String, byte[]>> states = readAll(settings.get("driftline.registry.topics.desired-state"),
        DEVICES);
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : events) {
      ids.add(CloudEventHeaders.readFrom(r.topic(), r.headers()).id());
    }
    for (ConsumerRecord<String, byte[]> r : states) {
      ids.add(CloudEventHeaders.readFrom(r.topic(), r.headers()).id());
    }
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(Set.copyOf(ids)).isEqualTo(outboxIds);
    assertContract(events, states, Ed25519Keys.keyId(registryKey.getPublic()));
  }

  private void assertContract(List<ConsumerRecord<String, byte[]>> events, List<ConsumerRecord<String, byte[]>> states,
      String registryKeyId) {
    EventDeserializer<RegistryEvent> registry = new EventDeserializer<>(RegistryEvent.class);
    Map<RegistryEvent.Type, List<RegistryEvent>> byType = events.stream()
        .map(r -> registry.deserialize(r.topic(), r.headers(), r.value()))
        .collect(Collectors.groupingBy(RegistryEvent::type));
    for (ConsumerRecord<String, byte[]> r : events) {
      assertThat(r.key()).isEqualTo(registry.deserialize(r.topic(), r.headers(), r.value()).entityId());
    }
    assertThat(byType.get(RegistryEvent.Type.MODEL_REGISTERED)).hasSize(MODELS + 2);
    JsonNode version = byType.get(RegistryEvent.Type.BUNDLE_CREATED).get(0).payload();
    assertThat(version.get("name").asString()).isEqualTo("bundle-o");
    assertThat(version.get("kind").asString()).isEqualTo("bundle");
    assertThat(version.get("digest").asString()).hasSize(64);
    assertThat(version.get("lineage").get("parentStudent").asString()).isEqualTo("student-o:1");
    assertThat(version.get("lineage").get("gate").get("passed").asBoolean()).isTrue();
    assertThat(version.get("requirements").get("precision").asString()).isEqualTo("INT8");
    assertThat(version.get("requirements").get("macs").asLong()).isEqualTo(5000);
    JsonNode student = byType.get(RegistryEvent.Type.VERSION_CREATED).get(0).payload();
    assertThat(student.get("requirements").get("inputWidth").asInt()).isPositive();
    assertThat(student.get("requirements").get("adaptorBytes").asLong()).isEqualTo(student.get("sizeBytes").asLong());
    JsonNode promoted = byType.get(RegistryEvent.Type.BUNDLE_PROMOTED).get(0).payload();
    assertThat(promoted.get("alias").asString()).isEqualTo("production");
    assertThat(promoted.get("signatureKeyId").asString()).isEqualTo(registryKeyId);
    JsonNode enrolled = byType.get(RegistryEvent.Type.DEVICE_ENROLLED).get(0).payload();
    assertThat(enrolled.get("deviceClass").asString()).isEqualTo("mcu");
    assertThat(enrolled.get("student").asString()).isEqualTo("student-o:1");
    assertThat(enrolled.get("precisions").get(0).asString()).isEqualTo("INT8");
    assertThat(enrolled.get("labels").get("domain").asString()).isEqualTo("fog");
    JsonNode set = byType.get(RegistryEvent.Type.DESIRED_STATE_SET).get(0).payload();
    assertThat(set.get("bundle").asString()).isEqualTo("bundle-o:1");
    assertThat(set.get("generation").asLong()).isEqualTo(1);
    assertThat(byType.get(RegistryEvent.Type.ALIAS_SET).get(0).payload().get("version").asInt()).isEqualTo(1);
    assertThat(byType.get(RegistryEvent.Type.ARTEFACT_STORED)).hasSize(3);

    EventDeserializer<DesiredState> desired = new EventDeserializer<>(DesiredState.class);
    for (ConsumerRecord<String, byte[]> r : states) {
      DesiredState state = desired.deserialize(r.topic(), r.headers(), r.value());
      assertThat(r.key()).isEqualTo(state.deviceId());
      assertThat(state.bundle().bundleId()).isEqualTo("bundle-o");
      assertThat(state.artefactDigest()).isEqualTo(promoted.get("digest").asString());
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, long expected) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // read past the expected count for a while, so a duplicate would be seen
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return records;
  }
}
