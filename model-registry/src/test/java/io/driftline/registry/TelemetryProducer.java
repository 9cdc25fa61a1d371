package io.driftline.registry;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DropCounts;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.ScoreSummary;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.testsupport.KafkaTestBroker;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Plays the devices of a test: creates the telemetry topic (which the drift detector declares in
 * production) and sends {@link TelemetryWindow}s, or raw bytes, to it on the shared broker.
 */
final class TelemetryProducer implements AutoCloseable {

  private final String topic;
  private final KafkaProducer<String, TelemetryWindow> windows;
  private final KafkaProducer<String, byte[]> raw;

  TelemetryProducer(String topic, int partitions) {
    this.topic = topic;
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrap(),
        ProducerConfig.ACKS_CONFIG, "all");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create " + topic, e);
    }
    this.windows = new KafkaProducer<>(config, new StringSerializer(), new EventSerializer<>());
    this.raw = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * A window of 50 frames over 10 classes whose mean entropy is {@code entropy} and mean OOD
   * score {@code ood}.
   */
  static TelemetryWindow window(String deviceId, long seq, double ood, double entropy, @Nullable BundleRef bundle) {
    return window(deviceId, seq, Instant.parse("2026-11-26T08:00:00Z").plusSeconds(10 * seq), ood, entropy, bundle);
  }

  /** The same, starting at {@code start} (a device that restarted numbers its windows from 0 again). */
  static TelemetryWindow window(String deviceId, long seq, Instant start, double ood, double entropy,
      @Nullable BundleRef bundle) {
    int[] histogram = new int[10];
    Arrays.fill(histogram, 5);
    return new TelemetryWindow(deviceId, seq, start, start.plusSeconds(10), 50,
        new ScoreSummary(ood, 0.05, ood, ood + 0.1, ood + 0.2), entropy, 0.8, 2, DropCounts.NONE, bundle, histogram);
  }

  /** Sends windows and waits until the broker has them. */
  void send(TelemetryWindow... sent) {
    try {
      for (TelemetryWindow w : sent) {
        windows.send(new ProducerRecord<>(topic, w.key(), w)).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends bytes that are not a telemetry window. */
  void sendRaw(String key, byte[] value) {
    try {
      raw.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    windows.close();
    raw.close();
  }
}
