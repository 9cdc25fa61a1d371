package io.driftline.agent.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DeviceSampleCodec;
import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.RealKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker down and back: the device starts with its broker unreachable (a closed port that later
 * forwards to the real broker), queues on disk within the bound, drops the oldest and counts them,
 * and replays the rest in order once the broker is reachable: zero unaccounted samples.
 */
@RealKafka
class OfflineQueueTest {

  @TempDir
  Path dir;

  @Test
  void brokerDownAndBackLeavesNoSampleUnaccounted(KafkaTestBroker kafka) throws Exception {
    String topic = "device.samples.offline-" + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    int total = 300;
    int capacity = 200;
    try (ReliableSender sender = new ReliableSender("127.0.0.1:" + port, "offline-test", dir.resolve("queue"),
        capacity, 64L << 20, Duration.ofSeconds(2))) {
      for (int i = 0; i < total; i++) {
        sender.send(topic, "dev-off", sample(i));
      }
      assertThat(sender.offline()).isTrue();
      assertThat(sender.queued()).isLessThanOrEqualTo(capacity);
      assertThat(sender.dropped(topic)).isGreaterThanOrEqualTo(total - capacity - 1);

      try (Forwarder ignored = new Forwarder(port, kafka.bootstrapServers())) {
        await().atMost(Duration.ofSeconds(60)).until(() -> sender.queued() == 0 && !sender.offline());
        for (int i = total; i < total + 10; i++) {
          sender.send(topic, "dev-off", sample(i));
        }
        sender.flush();
        await().atMost(Duration.ofSeconds(20))
            .until(() -> sender.delivered(topic) + sender.dropped(topic) == total + 10 && sender.queued() == 0);
      }
      long delivered = sender.delivered(topic);
      assertThat(delivered).isBetween((long) capacity + 10, (long) capacity + 11);

      // What the broker has is exactly what was counted as delivered, in order, without gaps in the
      // newest records: the oldest were the ones dropped (one in flight at the drop may still arrive).
      List<Long> onKafka = read(kafka.bootstrapServers(), topic, (int) delivered);
      assertThat(onKafka).hasSize((int) delivered).isSorted().doesNotHaveDuplicates();
      List<Long> newest = new ArrayList<>();
      for (long i = total - capacity; i < total + 10; i++) {
        newest.add(i);
      }
      assertThat(onKafka).containsAll(newest);
    }
  }

  private static DeviceSample sample(long index) {
    return DeviceSample.builder().setEventId("dev-off/0/" + index).setDeviceId("dev-off")
        .setStudentModelId("student-nano:1").setWindowSeq(0).setFrameIndex(index)
        .setCapturedAt(Instant.parse("2026-01-01T00:00:00Z").plusMillis(index)).setUncertainty(0.5f)
        .setOodScore(0.5f).setPredictedClass(1).setPixels(1, 2, 2, new byte[] {1, 2, 3, 4}).build();
  }

  private static List<Long> read(String bootstrap, String topic, int count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "offline-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<Long> indices = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (indices.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          indices.add(DeviceSampleCodec.decode(topic, r.value()).frameIndex());
        }
      }
      // A short extra poll would reveal duplicates beyond the expected count.
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
        indices.add(DeviceSampleCodec.decode(topic, r.value()).frameIndex());
      }
    }
    return indices;
  }

  /** Forwards TCP connections from a local port to the broker's bootstrap address while open. */
  static final class Forwarder implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    Forwarder(int port, String bootstrap) throws IOException {
      String[] hostPort = bootstrap.split(",")[0].split(":");
      InetSocketAddress target = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket in = server.accept();
            Socket out = new Socket(target.getHostString(), target.getPort());
            sockets.add(in);
            sockets.add(out);
            pump(in, out);
            pump(out, in);
          } catch (IOException e) {
            return;
          }
        }
      }, "forwarder");
      accept.setDaemon(true);
      accept.start();
    }

    private static void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          in.transferTo(out);
        } catch (IOException e) {
          // connection closed
        }
      }, "forwarder-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
