package io.driftline.drift;

import io.driftline.drift.config.DriftProperties;
import io.driftline.drift.stream.DriftMetrics;
import io.driftline.drift.stream.DriftTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the drift topology as a plain Kafka Streams application in its own JVM, so a test can kill
 * it with SIGKILL mid-stream. Arguments: bootstrap, application id, state directory, telemetry
 * topic, incidents topic, and optionally the number of stream threads (default 1) and
 * {@code defaults} (Kafka Streams' defaults instead of the throughput settings). Prints {@code RUNNING} once the application is running.
 */
public final class StreamsChild {

  private StreamsChild() {}

  /** Builds the Streams configuration the tests and the benchmark use: exactly-once, one broker. */
  public static Properties config(String bootstrap, String applicationId, String stateDir) {
    return config(bootstrap, applicationId, stateDir, true);
  }

  /**
   * As {@link #config(String, String, String)}; without {@code throughputSettings} the Kafka Streams
   * defaults stay for the cache, polls, fetches and batches (the benchmark's comparison).
   */
  public static Properties config(String bootstrap, String applicationId, String stateDir,
      boolean throughputSettings) {
    Properties config = new Properties();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    // As the service (application.yml): commit once a second, so the state cache absorbs repeated
    // writes of a device's state between commits.
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    config.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // A killed instance leaves the group after 6 s instead of the default 45 s.
    config.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
    config.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1500);
    // A killed instance's open transaction blocks read_committed readers until it times out.
    config.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), 5000);
    if (!throughputSettings) {
      return config;
    }
    // Throughput settings, as the service (application.yml; docs/drift-detector.md explains them).
    config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    config.put(StreamsConfig.consumerPrefix("max.poll.records"), 5000);
    config.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), 4 * 1024 * 1024);
    config.put(StreamsConfig.producerPrefix("batch.size"), 256 * 1024);
    return config;
  }

  /** Builds the application for the given topics. */
  public static KafkaStreams create(Properties config, String telemetry, String incidents) {
    DriftProperties properties = DriftProperties.of(Map.of(
        "topics.telemetry", telemetry, "topics.incidents", incidents));
    StreamsBuilder builder = new StreamsBuilder();
    DriftTopology.build(builder, properties, new DriftMetrics(new SimpleMeterRegistry()));
    return new KafkaStreams(builder.build(), config);
  }

  /** Starts the application and runs until the process is killed. */
  public static void main(String[] args) throws InterruptedException {
    Properties config = config(args[0], args[1], args[2], args.length <= 6 || !"defaults".equals(args[6]));
    if (args.length > 5) {
      config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(args[5]));
    }
    KafkaStreams streams = create(config, args[3], args[4]);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.start();
    running.await();
    System.out.println("RUNNING");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
