package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The telemetry history: windows from the telemetry topic land in PostgreSQL (newest N per
 * device), unreadable records go to the dead-letter topic with the reason header, and the fleet and
 * telemetry endpoints show them.
 */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TelemetryHistoryTest extends RegistryTest {

  static final Path DATA = tempDataDir("telemetry");
  static final String TOPIC = "device.telemetry.telemetryhistorytest-" + UUID.randomUUID();
  static final int KEEP = 5;
  static TelemetryProducer devices;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    devices = new TelemetryProducer(TOPIC, 2);
    registerWithTelemetry(registry, TelemetryHistoryTest.class, DATA, TOPIC, Map.of(
        "driftline.registry.telemetry.keep-per-device", String.valueOf(KEEP),
        "driftline.registry.telemetry.stale-after", "10m"));
  }

  @AfterAll
  static void closeProducer() {
    devices.close();
  }

  @Autowired
  JdbcClient jdbc;

  private String student;

  @BeforeEach
  void student() {
    student = "student-" + System.nanoTime();
    String onnx = api().upload(Api.OPERATOR, "application/onnx", SyntheticStudents.nano(11)).json().get("digest").asString();
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", student, "kind", "student"));
    api().post("/api/v1/models/" + student + "/versions", Api.OPERATOR, Map.of("digest", onnx));
  }

  private JsonNode enrol() {
    Api.Response r = api().post("/api/v1/devices", Api.OPERATOR, Map.of(
        "deviceClass", "mcu", "student", student + ":1", "precisions", List.of("INT8"),
        "ramBytes", 512_000, "flashBytes", 2_000_000, "macsPerSecond", 50_000_000,
        "labels", Map.of("domain", "fog")));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private List<Long> storedSeqs(String deviceId) {
    return jdbc.sql("select window_seq from telemetry_window where device_id = ? order by window_seq")
        .param(deviceId).query(Long.class).list();
  }

  @Test
  void keepsOnlyTheNewestWindowsOfADeviceAndChartsThemOldestFirst() {
    String device = enrol().get("deviceId").asString();
    BundleRef bundle = new BundleRef("fog-fix", 1);
    for (long seq = 0; seq < 8; seq++) {
      devices.send(TelemetryProducer.window(device, seq, 0.1 * seq, Math.log(10) / 2, seq >= 6 ? bundle : null));
    }

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedSeqs(device)).containsExactly(3L, 4L, 5L, 6L, 7L));
    JsonNode telemetry = api().get("/api/v1/devices/" + device + "/telemetry?limit=3", Api.VIEWER).json();

    assertThat(telemetry.get("items")).extracting(n -> n.get("windowSeq").asLong()).containsExactly(5L, 6L, 7L);
    JsonNode last = telemetry.get("items").get(2);
    assertThat(last.get("confidenceProxy").asDouble()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(last.get("classes").asInt()).isEqualTo(10);
    assertThat(last.get("oodMean").asDouble()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(last.get("activeBundle").asString()).isEqualTo("fog-fix:1");
    assertThat(telemetry.get("items").get(0).get("activeBundle").isNull()).isTrue();
  }

  @Test
  void aRestartedDevicesWindowsAreKeptInArrivalOrderAndARedeliveryOnce() {
    String device = enrol().get("deviceId").asString();
    Instant restart = Instant.parse("2026-11-26T09:00:00Z");
    devices.send(TelemetryProducer.window(device, 0, 0.1, 1.0, null), TelemetryProducer.window(device, 1, 0.1, 1.0, null),
        TelemetryProducer.window(device, 1, 0.1, 1.0, null));
    devices.send(TelemetryProducer.window(device, 0, restart, 0.3, 1.0, null),
        TelemetryProducer.window(device, 1, restart.plusSeconds(10), 0.4, 1.0, null));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedSeqs(device)).hasSize(4));
    JsonNode items = api().get("/api/v1/devices/" + device + "/telemetry", Api.VIEWER).json().get("items");
    JsonNode fleet = api().get("/api/v1/fleet/" + device, Api.VIEWER).json();

    assertThat(items).extracting(n -> n.get("windowSeq").asLong()).containsExactly(0L, 1L, 0L, 1L);
    assertThat(items.get(3).get("oodMean").asDouble()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(fleet.get("lastWindowSeq").asLong()).isEqualTo(1);
  }

  @Test
  void anUnreadableRecordGoesToTheDeadLetterTopicWithItsReasonAndLaterWindowsStillArrive() {
    String device = enrol().get("deviceId").asString();
    devices.sendRaw(device, "{\"deviceId\": 42".getBytes(StandardCharsets.UTF_8));
    devices.send(TelemetryProducer.window(device, 1, 0.2, 1.0, null));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedSeqs(device)).containsExactly(1L));
    ConsumerRecord<String, byte[]> dead = deadLetterOf(device);

    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"deviceId\": 42");
    Header reason = dead.headers().lastHeader(DeadLetterReason.HEADER);
    assertThat(reason).isNotNull();
    assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains(TOPIC);
  }

  @Test
  void windowsOfDevicesTheRegistryDoesNotKnowAreNotStored() {
    String known = enrol().get("deviceId").asString();
    devices.send(TelemetryProducer.window("ghost-" + UUID.randomUUID(), 0, 0.1, 1.0, null),
        TelemetryProducer.window(known, 0, 0.1, 1.0, null));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedSeqs(known)).containsExactly(0L));
    assertThat(jdbc.sql("select count(*) from telemetry_window where device_id like 'ghost-%'").query(Long.class).single())
        .isZero();
  }

  @Test
  void theFleetShowsDesiredReportedAndTelemetryHealth() {
    String reporting = enrol().get("deviceId").asString();
    String silent = enrol().get("deviceId").asString();
    String stale = enrol().get("deviceId").asString();
    devices.send(TelemetryProducer.window(reporting, 0, 0.1, 1.0, null), TelemetryProducer.window(stale, 0, 0.1, 1.0, null));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedSeqs(stale)).containsExactly(0L));
    jdbc.sql("update telemetry_window set received_at = now() - interval '1 hour' where device_id = ?").param(stale).update();
    api().put("/api/v1/devices/" + reporting + "/reported-state", Api.OPERATOR, Map.of("activeBundle", "fog-fix:3", "health", Map.of()));

    JsonNode fleet = api().get("/api/v1/fleet?limit=500", Api.VIEWER).json().get("items");
    JsonNode one = api().get("/api/v1/fleet/" + silent, Api.VIEWER).json();

    assertThat(entry(fleet, reporting).get("health").asString()).isEqualTo("OK");
    assertThat(entry(fleet, reporting).get("reportedBundle").asString()).isEqualTo("fog-fix:3");
    assertThat(entry(fleet, reporting).get("lastWindowSeq").asLong()).isZero();
    assertThat(entry(fleet, stale).get("health").asString()).isEqualTo("STALE");
    assertThat(one.get("health").asString()).isEqualTo("NEVER");
    assertThat(one.get("desiredBundle").isNull()).isTrue();
    assertThat(one.get("deviceClass").asString()).isEqualTo("mcu");
  }

  @Test
  void telemetryIsForStaffAndRefusesBadInput() {
    JsonNode enrolment = enrol();
    String device = enrolment.get("deviceId").asString();

    Api.Response own = api().get("/api/v1/devices/" + device + "/telemetry", enrolment.get("token").asString());
    Api.Response anonymous = api().get("/api/v1/devices/" + device + "/telemetry", null);
    Api.Response tooMany = api().get("/api/v1/devices/" + device + "/telemetry?limit=" + (KEEP + 1), Api.VIEWER);
    Api.Response unknown = api().get("/api/v1/devices/no-such-device/telemetry", Api.VIEWER);
    Api.Response empty = api().get("/api/v1/devices/" + device + "/telemetry", Api.VIEWER);
    Api.Response badCursor = api().get("/api/v1/fleet?cursor=nonsense", Api.VIEWER);

    assertThat(own.status()).isEqualTo(403);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("detail").asString()).contains("keep-per-device");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(List.of(own, anonymous, tooMany, unknown, badCursor)).allMatch(Api.Response::isProblem);
    assertThat(badCursor.status()).isEqualTo(400);
    assertThat(empty.json().get("items").size()).isZero();
  }

  private static JsonNode entry(JsonNode fleet, String deviceId) {
    for (JsonNode n : fleet) {
      if (n.get("deviceId").asString().equals(deviceId)) {
        return n;
      }
    }
    throw new AssertionError("no fleet entry for " + deviceId + " in " + fleet);
  }

  private static ConsumerRecord<String, byte[]> deadLetterOf(String deviceId) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, "dlt-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPIC + "-dlt"));
      List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (deviceId.equals(r.key())) {
            found.add(r);
          }
        });
        return !found.isEmpty();
      });
      return found.get(0);
    }
  }
}
