package io.driftline.catalog.config;

import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventDeserializer;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.EventType;
import io.driftline.core.events.RegistryEvent;
import io.driftline.core.events.Topics;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka wiring of the registry events consumer: the topics it needs, and a listener container
 * factory of its own (batch listener, {@code ErrorHandlingDeserializer} around the core
 * {@code EventDeserializer}) whose error handler sends a record it cannot apply to
 * {@code Topics.deadLetter(topic)} with the reason header, after a bounded back-off for transient
 * failures and at once for bad records.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "driftline.catalog.events.enabled", havingValue = "true", matchIfMissing = true)
class KafkaConfiguration {

  @Bean
  KafkaAdmin.NewTopics registryEventsTopics(CatalogProperties properties) {
    CatalogProperties.Events events = properties.events();
    List<NewTopic> topics = new ArrayList<>();
    if (events.declareTopic()) {
      topics.add(TopicBuilder.name(events.topic()).partitions(events.partitions())
          .config("retention.ms", String.valueOf(30L * 24 * 3600 * 1000)).build());
    }
    // The recoverer keeps the source partition, so the dead-letter topic has as many partitions.
    topics.add(TopicBuilder.name(Topics.deadLetter(events.topic())).partitions(events.partitions())
        .config("retention.ms", String.valueOf(14L * 24 * 3600 * 1000)).build());
    return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
  }

  /**
   * The container factory of the registry events listener, with its own consumer settings and
   * error handler, so that other listeners in the same application (the sandbox runs every service
   * in one JVM) keep theirs.
   */
  @Bean
  ConcurrentKafkaListenerContainerFactory<String, RegistryEvent> registryEventsListenerFactory(
      ConsumerFactory<?, ?> consumers, ProducerFactory<?, ?> producers, CatalogProperties properties) {
    Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.events().maxPollRecords());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
    config.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, EventDeserializer.class);
    config.put(EventDeserializer.EVENT_TYPE_CONFIG, EventType.REGISTRY_EVENT.name());
    var factory = new ConcurrentKafkaListenerContainerFactory<String, RegistryEvent>();
    factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config));
    factory.setBatchListener(true);
    factory.setCommonErrorHandler(errorHandler(producers, properties));
    return factory;
  }

  private static DefaultErrorHandler errorHandler(ProducerFactory<?, ?> producers, CatalogProperties properties) {
    // A record that failed to deserialize is dead-lettered as its raw bytes; one that failed to
    // apply (a description the shapes reject) as the event it was read as.
    Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
    byType.put(byte[].class, new ByteArraySerializer());
    byType.put(DriftlineEvent.class, new EventSerializer<>());
    DefaultKafkaProducerFactory<String, Object> deadLetterProducers = new DefaultKafkaProducerFactory<>(
        producers.getConfigurationProperties(), new StringSerializer(), new DelegatingByTypeSerializer(byType, true));
    var recoverer = new DeadLetterPublishingRecoverer(new KafkaTemplate<>(deadLetterProducers),
        (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
    recoverer.addHeadersFunction((record, exception) ->
        new RecordHeaders().add(DeadLetterReason.HEADER, DeadLetterReason.headerValue(exception)));
    var handler = new DefaultErrorHandler(recoverer,
        new FixedBackOff(properties.events().retryInterval().toMillis(), properties.events().retries()));
    // Bad descriptions fail the same way every time: no point retrying them.
    handler.addNotRetryableExceptions(IllegalArgumentException.class);
    return handler;
  }
}
