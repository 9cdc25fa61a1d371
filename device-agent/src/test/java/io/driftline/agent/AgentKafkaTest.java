package io.driftline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.agent.source.IdxReplaySource;
import io.driftline.agent.source.ScenarioSource;
import io.driftline.agent.source.SourceFrame;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent, stand-alone, on the real broker: IDX replay to samples and telemetry; a scenario with ground truth. */
@RealKafka
class AgentKafkaTest {

  @TempDir
  Path dir;

  @Test
  void anIdxReplayEndsAsTelemetryWindowsAndTheSamplesTheyCount(KafkaTestBroker kafka) throws Exception {
    String suffix = UUID.randomUUID().toString();
    String samples = "device.samples.agent-" + suffix;
    String telemetry = "device.telemetry.agent-" + suffix;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(samples, 1, (short) 1), new NewTopic(telemetry, 1, (short) 1))).all().get();
    }
    Path images = dir.resolve("frames-idx3-ubyte");
    Path labels = dir.resolve("labels-idx1-ubyte");
    writeIdx(images, labels, 300);
    Map<String, String> p = new HashMap<>();
    p.put("device-id", "idx-device");
    p.put("data-dir", dir.resolve("data").toString());
    p.put("kafka-bootstrap", kafka.bootstrapServers());
    p.put("student.model", AgentFixtures.nanoStudent(dir).toString());
    p.put("source.type", "idx");
    p.put("source.path", images.toString());
    p.put("source.labels", labels.toString());
    p.put("source.frames-per-second", "0");
    p.put("upload.min-score", "0");
    p.put("topics.samples", samples);
    p.put("topics.telemetry", telemetry);

    try (DeviceAgent agent = new DeviceAgent(TestConfigs.bind(p))) {
      agent.start();
      await().atMost(Duration.ofSeconds(60)).until(agent::sourceEnded);
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.sender().delivered(telemetry) == 3);
      long uploads = agent.uploader().uploadedFrames();
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.sender().delivered(samples) == uploads);

      List<TelemetryWindow> windows = read(kafka, telemetry, 3, TelemetryWindow.class);
      List<DeviceSample> uploaded = read(kafka, samples, (int) uploads, DeviceSample.class);
      assertThat(windows).extracting(TelemetryWindow::windowSeq).containsExactly(0L, 1L, 2L);
      assertThat(windows).allSatisfy(w -> {
        assertThat(w.deviceId()).isEqualTo("idx-device");
        assertThat(w.frameCount()).isEqualTo(100);
        assertThat(w.dropped().bufferFull()).isZero();
        assertThat(w.domainSignature()).isNotNull();
      });
      assertThat(uploads).isPositive();
      assertThat(uploaded).hasSize((int) uploads);
      assertThat(windows.stream().mapToLong(TelemetryWindow::uploads).sum()).isEqualTo(uploads);
      assertThat(uploaded).allSatisfy(s -> assertThat(s.height()).isEqualTo(28));
      assertThat(agent.status().accuracy()).isNotNull();
      assertThat(agent.status().frames()).isEqualTo(300);
    }
  }

  @Test
  void theScenarioSourceGivesFramesWithGroundTruthAndDomainTags() {
    Assumptions.assumeTrue(fashionMnistAvailable(), "Fashion-MNIST is not installed");
    for (String device : List.of("cam-street", "a-device-the-scenario-does-not-name")) {
      ScenarioSource source = ScenarioSource.load(null, device);
      List<SourceFrame> frames = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        frames.add(source.next());
      }
      assertThat(frames).allSatisfy(f -> {
        assertThat(f.hasLabel()).isTrue();
        assertThat(f.domainTag()).isNotBlank();
        assertThat(f.image().height()).isEqualTo(28);
      });
    }
  }

  private static boolean fashionMnistAvailable() {
    try {
      FashionMnist.fromEnvironment(false).test();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static <T extends io.driftline.core.events.DriftlineEvent> List<T> read(KafkaTestBroker kafka, String topic,
      int count, Class<T> type) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "agent-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    EventDeserializer<T> deserializer = new EventDeserializer<>(type);
    List<T> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (events.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          events.add(deserializer.deserialize(topic, r.headers(), r.value()));
        }
      }
    }
    return events;
  }

  private static void writeIdx(Path images, Path labels, int count) throws IOException {
    SplittableRandom random = new SplittableRandom(9);
    try (DataOutputStream img = new DataOutputStream(Files.newOutputStream(images));
        DataOutputStream lab = new DataOutputStream(Files.newOutputStream(labels))) {
      img.writeInt(0x00000803);
      img.writeInt(count);
      img.writeInt(28);
      img.writeInt(28);
      lab.writeInt(0x00000801);
      lab.writeInt(count);
      for (int i = 0; i < count; i++) {
        byte[] pixels = new byte[28 * 28];
        for (int j = 0; j < pixels.length; j++) {
          pixels[j] = (byte) random.nextInt(256);
        }
        img.write(pixels);
        lab.write(random.nextInt(10));
      }
    }
  }

}
