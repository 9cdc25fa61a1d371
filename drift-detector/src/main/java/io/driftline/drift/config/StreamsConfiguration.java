package io.driftline.drift.config;

import io.driftline.core.events.DriftIncident;
import io.driftline.drift.stream.DriftMetrics;
import io.driftline.drift.stream.DriftTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.KStream;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Wires the drift topology into Spring Kafka's Streams support: Spring Boot builds the
 * {@code defaultKafkaStreamsConfig} from {@code spring.kafka.streams.*} (application id,
 * {@code processing.guarantee=exactly_once_v2}, replication factor), and the
 * {@code StreamsBuilderFactoryBean} starts and stops the application with the context.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties(DriftProperties.class)
class StreamsConfiguration {

  private static final Logger log = LoggerFactory.getLogger(StreamsConfiguration.class);

  @Bean
  DriftMetrics driftMetrics(MeterRegistry registry) {
    return new DriftMetrics(registry);
  }

  /**
   * Replaces a stream thread that an exception killed (a broker restart can fail a transaction's
   * commit, for example) instead of Kafka Streams' default of shutting the whole client down: that
   * left the process up and healthy-looking while telemetry piled up unread. Under exactly-once
   * the new thread starts from the last committed transaction, so nothing is lost or counted twice.
   */
  @Bean
  StreamsBuilderFactoryBeanConfigurer replaceDeadStreamThreads(DriftMetrics metrics) {
    return factory -> factory.setStreamsUncaughtExceptionHandler(e -> {
      metrics.threadReplaced();
      log.error("drift stream thread died, replacing it: {}", e.toString(), e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
  }

  /** Adds the drift topology to the Streams builder Spring Kafka manages. */
  @Bean
  KStream<String, DriftIncident> driftTopology(StreamsBuilder builder, DriftProperties properties,
      DriftMetrics metrics) {
    return DriftTopology.build(builder, properties, metrics);
  }

  /** Declares the input, output and dead-letter topics (auto-creation is off on Driftline brokers). */
  @Bean
  KafkaAdmin.NewTopics driftTopics(DriftProperties properties) {
    DriftProperties.Topics topics = properties.topics();
    return new KafkaAdmin.NewTopics(
        topic(topics.telemetry(), topics, "604800000"),
        topic(topics.incidents(), topics, "2592000000"),
        topic(topics.telemetryDeadLetter(), topics, "1209600000"),
        topic(topics.incidentsDeadLetter(), topics, "1209600000"));
  }

  private static NewTopic topic(String name, DriftProperties.Topics topics, String retentionMs) {
    return TopicBuilder.name(name)
        .partitions(topics.partitions())
        .replicas(topics.replicas())
        .config("retention.ms", retentionMs)
        .build();
  }
}
