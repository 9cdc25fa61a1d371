package io.driftline.registry.events;

import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventFormatException;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.EventType;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.events.Topics;
import io.driftline.registry.config.RegistryProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka wiring of the telemetry history: the dead-letter topic (the telemetry topic itself is the
 * drift detector's to declare, with the partition count its co-partitioned incidents need), and a
 * listener container factory of its own (batch listener, {@code ErrorHandlingDeserializer} around
 * the core {@code EventDeserializer}) whose error handler sends an unreadable record, as its raw
 * bytes, to {@code <topic>-dlt} with the {@value DeadLetterReason#HEADER} header, and retries a
 * failed database write until it succeeds.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "driftline.registry.telemetry.enabled", havingValue = "true", matchIfMissing = true)
class TelemetryKafka {

  @Bean
  NewTopic telemetryDeadLetterTopic(RegistryProperties properties) {
    RegistryProperties.Telemetry t = properties.telemetry();
    return TopicBuilder.name(Topics.deadLetter(t.topic())).partitions(t.deadLetterPartitions())
        .replicas(properties.topics().replicas())
        .config("retention.ms", String.valueOf(Duration.ofDays(14).toMillis())).build();
  }

  @Bean
  ConcurrentKafkaListenerContainerFactory<String, TelemetryWindow> telemetryListenerFactory(
      ConsumerFactory<?, ?> consumers, ProducerFactory<?, ?> producers, RegistryProperties properties) {
    RegistryProperties.Telemetry t = properties.telemetry();
    Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
    // a new consumer group reads what the topic still holds; only the newest windows are kept anyway
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, t.maxPollRecords());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
    config.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, EventDeserializer.class);
    config.put(EventDeserializer.EVENT_TYPE_CONFIG, EventType.TELEMETRY_WINDOW.name());
    var factory = new ConcurrentKafkaListenerContainerFactory<String, TelemetryWindow>();
    factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config));
    factory.setBatchListener(true);
    factory.setCommonErrorHandler(errorHandler(producers, t));
    return factory;
  }

  private static DefaultErrorHandler errorHandler(ProducerFactory<?, ?> producers, RegistryProperties.Telemetry t) {
    // Unreadable records are dead-lettered with their raw bytes; a readable window under a foreign
    // key is written back as its JSON.
    ByteArraySerializer raw = new ByteArraySerializer();
    EventSerializer<DriftlineEvent> events = new EventSerializer<>();
    Serializer<Object> values = (topic, value) -> value instanceof DriftlineEvent e
        ? events.serialize(topic, e) : raw.serialize(topic, (byte[]) value);
    DefaultKafkaProducerFactory<String, Object> deadLetterProducers = new DefaultKafkaProducerFactory<>(
        producers.getConfigurationProperties(), new StringSerializer(), values);
    var recoverer = new DeadLetterPublishingRecoverer(new KafkaTemplate<>(deadLetterProducers),
        (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
    recoverer.addHeadersFunction((record, exception) ->
        new RecordHeaders().add(DeadLetterReason.HEADER, DeadLetterReason.headerValue(exception)));
    // Unreadable records fail the same way every time (deserialization failures are not retried);
    // anything else is a database outage, and giving up would lose windows: retry until it works.
    var handler = new DefaultErrorHandler(recoverer,
        new FixedBackOff(t.retryInterval().toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS));
    handler.addNotRetryableExceptions(IllegalArgumentException.class, EventFormatException.class);
    return handler;
  }
}
