package io.driftline.teacher.config;

import io.driftline.teacher.fleet.CatalogClient;
import io.driftline.teacher.fleet.RegistryClient;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the settings and the clients of the registry and the catalog. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TeacherProperties.class)
public class TeacherConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  RegistryClient registryClient(TeacherProperties properties) {
    return new RegistryClient(properties.registry().url(), properties.registry().token(), properties.registry().timeout());
  }

  @Bean
  CatalogClient catalogClient(TeacherProperties properties) {
    return new CatalogClient(properties.catalog().url(), properties.catalog().timeout());
  }
}
