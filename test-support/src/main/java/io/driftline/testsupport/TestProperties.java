package io.driftline.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a Spring test's application context at the real broker and the test class's database. */
public final class TestProperties {

  private TestProperties() {}

  /**
   * Registers {@code spring.kafka.bootstrap-servers} and, for a {@link RealPostgres} class,
   * {@code spring.datasource.*}; call it from a {@code @DynamicPropertySource} method.
   */
  public static void register(DynamicPropertyRegistry registry, Class<?> testClass) {
    registry.add("spring.kafka.bootstrap-servers", KafkaTestBroker::bootstrap);
    if (testClass.isAnnotationPresent(RealPostgres.class)) {
      registry.add("spring.datasource.url", () -> PostgresExtension.databaseOf(testClass).jdbcUrl());
      registry.add("spring.datasource.username", () -> PostgresExtension.databaseOf(testClass).user());
      registry.add("spring.datasource.password", () -> PostgresExtension.databaseOf(testClass).password());
    }
  }
}
