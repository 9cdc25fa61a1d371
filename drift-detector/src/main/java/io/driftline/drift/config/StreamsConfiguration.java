package io.driftline.drift.config;

import io.driftline.core.events.DriftIncident;
import io.driftline.drift.stream.DriftMetrics;
import io.driftline.drift.stream.DriftTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
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

  @Bean
  DriftMetrics driftMetrics(MeterRegistry registry) {
    return new DriftMetrics(registry);
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
