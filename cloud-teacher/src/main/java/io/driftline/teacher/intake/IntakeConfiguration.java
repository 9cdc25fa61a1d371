package io.driftline.teacher.intake;

import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.EventType;
import io.driftline.core.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka wiring of the intake: the topics it declares, one listener container factory per topic
 * (own consumer settings, so other listeners of the same JVM keep theirs) and their error handlers,
 * which send a record that cannot be read or accepted to {@code Topics.deadLetter(topic)} with the
 * {@value DeadLetterReason#HEADER} header, and retry a failed database write until it succeeds.
 * Also schedules the sample retention task.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IntakeProperties.class)
@EnableScheduling
class IntakeConfiguration implements SchedulingConfigurer {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeConfiguration.class);
  private static final Duration SAMPLES_RETENTION = Duration.ofDays(7);
  private static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(14);

  private final IntakeProperties properties;
  private final SampleStore samples;

  IntakeConfiguration(IntakeProperties properties, SampleStore samples) {
    this.properties = properties;
    this.samples = samples;
  }

  @Bean
  KafkaAdmin.NewTopics intakeTopics() {
    List<NewTopic> topics = new ArrayList<>();
    if (properties.declareTopics()) {
      topics.add(topic(properties.samplesTopic(), SAMPLES_RETENTION));
      // drift.incidents itself is the drift detector's to declare: it must keep the partition count
      // of device.telemetry, and KafkaAdmin would add partitions to match a larger declaration here.
      // The recoverer keeps the source partition, so a dead-letter topic has as many partitions.
      topics.add(topic(Topics.deadLetter(properties.samplesTopic()), DEAD_LETTER_RETENTION));
      topics.add(topic(Topics.deadLetter(properties.incidentsTopic()), DEAD_LETTER_RETENTION));
    }
    return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
  }

  private NewTopic topic(String name, Duration retention) {
    return TopicBuilder.name(name).partitions(properties.partitions()).replicas(properties.replicas())
        .config("retention.ms", String.valueOf(retention.toMillis())).build();
  }

  /** The batch listener factory of {@code device.samples}: one poll is one database insert. */
  @Bean
  ConcurrentKafkaListenerContainerFactory<String, DeviceSample> samplesListenerFactory(
      ConsumerFactory<?, ?> consumers, ProducerFactory<?, ?> producers, MeterRegistry meters) {
    ConcurrentKafkaListenerContainerFactory<String, DeviceSample> factory = factory(consumers, EventType.DEVICE_SAMPLE, producers,
        meters.counter("driftline.teacher.samples.dead-lettered"));
    factory.setBatchListener(true);
    factory.setConcurrency(properties.concurrency());
    return factory;
  }

  /** The record listener factory of {@code drift.incidents}. */
  @Bean
  ConcurrentKafkaListenerContainerFactory<String, DriftIncident> incidentsListenerFactory(
      ConsumerFactory<?, ?> consumers, ProducerFactory<?, ?> producers, MeterRegistry meters) {
    return factory(consumers, EventType.DRIFT_INCIDENT, producers,
        meters.counter("driftline.teacher.incidents.dead-lettered"));
  }

  private <T> ConcurrentKafkaListenerContainerFactory<String, T> factory(ConsumerFactory<?, ?> consumers,
      EventType type, ProducerFactory<?, ?> producers, Counter deadLettered) {
    Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxPollRecords());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
    config.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, EventDeserializer.class);
    config.put(EventDeserializer.EVENT_TYPE_CONFIG, type.name());
    var factory = new ConcurrentKafkaListenerContainerFactory<String, T>();
    factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config));
    factory.setCommonErrorHandler(errorHandler(producers, deadLettered));
    return factory;
  }

  private DefaultErrorHandler errorHandler(ProducerFactory<?, ?> producers, Counter deadLettered) {
    // A record that failed to deserialize is dead-lettered as its raw bytes, one that was read but
    // rejected as the event it was read as (the same bytes, written again by the same codec).
    Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
    byType.put(byte[].class, new ByteArraySerializer());
    byType.put(DriftlineEvent.class, new EventSerializer<>());
    DefaultKafkaProducerFactory<String, Object> deadLetterProducers = new DefaultKafkaProducerFactory<>(
        producers.getConfigurationProperties(), new StringSerializer(), new DelegatingByTypeSerializer(byType, true));
    var recoverer = new DeadLetterPublishingRecoverer(new KafkaTemplate<>(deadLetterProducers),
        (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
    recoverer.addHeadersFunction((record, exception) ->
        new RecordHeaders().add(DeadLetterReason.HEADER, DeadLetterReason.headerValue(exception)));
    // Bad records fail the same way every time and are dead-lettered at once (deserialization
    // failures are not retried by default); anything else is a database or broker outage, and
    // giving up on it would lose samples, so it is retried until it succeeds.
    var handler = new DefaultErrorHandler((record, exception) -> {
      recoverer.accept(record, exception);
      deadLettered.increment();
    }, new FixedBackOff(properties.retryInterval().toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS));
    handler.addNotRetryableExceptions(IllegalArgumentException.class);
    return handler;
  }

  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    registrar.addFixedDelayTask(this::deleteExpiredSamples, properties.retentionInterval());
  }

  /** Deletes samples received longer than the retention ago; runs every retention interval. */
  void deleteExpiredSamples() {
    int deleted = samples.deleteReceivedBefore(Instant.now().minus(properties.retention()));
    LOG.info("sample retention: deleted {} samples received more than {} ago", deleted, properties.retention());
  }
}
