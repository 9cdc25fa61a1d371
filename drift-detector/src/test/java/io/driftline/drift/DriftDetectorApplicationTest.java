package io.driftline.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.testsupport.HttpProbe;
import io.driftline.testsupport.KafkaTestBroker;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on a real broker: Spring starts the Streams application (exactly-once, on the shared
 * {@link KafkaTestBroker}, which supports transactions), which detects drift and dead-letters garbage.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DriftDetectorApplicationTest {

  private static final String SUFFIX = ".app-" + UUID.randomUUID();
  private static final String TELEMETRY = "device.telemetry" + SUFFIX;
  private static final String INCIDENTS = "drift.incidents" + SUFFIX;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
    registry.add("spring.kafka.bootstrap-servers", KafkaTestBroker::bootstrap);
    registry.add("driftline.drift.topics.telemetry", () -> TELEMETRY);
    registry.add("driftline.drift.topics.incidents", () -> INCIDENTS);
    registry.add("driftline.drift.topics.partitions", () -> "2");
    registry.add("spring.kafka.streams.application-id", () -> "drift-detector" + SUFFIX);
    String stateDir = Files.createTempDirectory("drift-app-state").toString();
    registry.add("spring.kafka.streams.state-dir", () -> stateDir);
  }

  @Value("${local.server.port}")
  int port;

  @Autowired
  StreamsBuilderFactoryBean streams;

  @Test
  void detectsDriftAndDeadLettersGarbageOnARealBroker() throws Exception {
    String bootstrap = KafkaTestBroker.bootstrap();
    HttpResponse<String> health = HttpProbe.get(port, "/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);

    TelemetryFixtures fixtures = new TelemetryFixtures(5);
    TelemetryFixtures.Domain home = fixtures.home();
    TelemetryFixtures.Domain fog = fixtures.drifted(8);
    List<TelemetryWindow> windows = new ArrayList<>();
    for (long seq = 0; seq < 50; seq++) {
      windows.add(fixtures.window("cam-app", seq, seq < 40 ? home : fog, null));
    }
    try (KafkaProducer<String, TelemetryWindow> producer = KafkaIo.telemetryProducer(bootstrap);
        KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
            java.util.Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(TELEMETRY, "cam-app", "{\"deviceId\":".getBytes(StandardCharsets.UTF_8))).get();
      KafkaIo.send(producer, TELEMETRY, windows);
    }

    List<DriftIncident> incidents = KafkaIo.readCommittedIncidents(bootstrap, INCIDENTS,
        read -> !read.isEmpty(), Duration.ofSeconds(60), Duration.ofSeconds(1));
    assertThat(incidents).extracting(DriftIncident::state).containsExactly(DriftIncident.State.OPEN);
    assertThat(incidents.get(0).deviceId()).isEqualTo("cam-app");

    List<ConsumerRecord<String, byte[]>> dead = KafkaIo.readRaw(bootstrap, TELEMETRY + "-dlt", 1,
        Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);
    assertThat(new String(dead.get(0).headers().lastHeader(DeadLetterReason.HEADER).value(), StandardCharsets.UTF_8))
        .contains("not valid JSON");
    assertThat(streams.getKafkaStreams()).isNotNull();
    assertThat(streams.getKafkaStreams().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }
}
