package io.driftline.registry.events;

import io.driftline.registry.config.RegistryProperties;
import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** Declares the topics the registry publishes to (auto-creation is off on Driftline brokers). */
@Configuration(proxyBeanMethods = false)
class KafkaTopics {

  @Bean
  NewTopic registryEventsTopic(RegistryProperties properties) {
    RegistryProperties.TopicNames t = properties.topics();
    return TopicBuilder.name(t.registryEvents()).partitions(t.partitions()).replicas(t.replicas())
        .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(30).toMillis()))
        .build();
  }

  @Bean
  NewTopic desiredStateTopic(RegistryProperties properties) {
    RegistryProperties.TopicNames t = properties.topics();
    return TopicBuilder.name(t.desiredState()).partitions(t.partitions()).replicas(t.replicas())
        .compact()
        .build();
  }
}
