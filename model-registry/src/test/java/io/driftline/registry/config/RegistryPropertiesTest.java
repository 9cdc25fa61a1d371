package io.driftline.registry.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

/**
 * A bad {@code driftline.registry.*} value stops the context from starting, with one line that
 * names the property and the rule (what Spring Boot's start-up failure report prints as the reason).
 */
class RegistryPropertiesTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Properties.class);

  @EnableConfigurationProperties(RegistryProperties.class)
  static class Properties {}

  @Test
  void defaultsStart() {
    runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(RegistryProperties.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      artefacts.max-size=0B                     | driftline.registry.artefacts.max-size must be >= 1, was 0
      outbox.poll-interval=0s                   | driftline.registry.outbox.poll-interval must be longer than 0, was PT0S
      outbox.batch-size=0                       | driftline.registry.outbox.batch-size must be >= 1, was 0
      outbox.send-timeout=-5s                   | driftline.registry.outbox.send-timeout must be longer than 0, was PT-5S
      topics.partitions=0                       | driftline.registry.topics.partitions must be >= 1, was 0
      topics.replicas=-1                        | driftline.registry.topics.replicas must be >= 1, was -1
      topics.desired-state=registry.events      | driftline.registry.topics.registry-events and .desired-state must be two different topics
      security.cache-ttl=-1s                    | driftline.registry.security.cache-ttl must not be negative, was PT-1S
      public-base-url=registry:8084             | driftline.registry.public-base-url must be an http:// or https:// URL with a host, was 'registry:8084'
      console.teacher-url=http://               | driftline.registry.console.teacher-url must be an http:// or https:// URL with a host, was 'http://'
      console.catalog-url=ftp://catalog         | driftline.registry.console.catalog-url must be an http:// or https:// URL with a host
      console.timeout=0ms                       | driftline.registry.console.timeout must be longer than 0
      telemetry.keep-per-device=0               | driftline.registry.telemetry.keep-per-device must be >= 1, was 0
      telemetry.stale-after=0s                  | driftline.registry.telemetry.stale-after must be longer than 0
      telemetry.dead-letter-partitions=0        | driftline.registry.telemetry.dead-letter-partitions must be >= 1, was 0
      security.tokens[0].name=ops               | driftline.registry.security.tokens[].role is required for API token 'ops'
      """)
  void badValueStopsTheStartNamingPropertyAndRule(String property, String rule) {
    runner.withPropertyValues("driftline.registry." + property).run(context -> {
      assertThat(context).hasFailed();
      String reason = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
      assertThat(reason).contains(rule).doesNotContain("\n");
    });
  }

  @Test
  void apiTokenRulesNameTheTokenButNeverTheSecret() {
    String secret = "s3cret-token-value";
    runner.withPropertyValues("driftline.registry.security.tokens[0].name=ops",
        "driftline.registry.security.tokens[0].role=DEVICE",
        "driftline.registry.security.tokens[0].token=" + secret).run(context -> {
          String reason = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
          assertThat(reason).contains("driftline.registry.security.tokens[].role of API token 'ops' is DEVICE")
              .doesNotContain(secret);
        });
    runner.withPropertyValues("driftline.registry.security.tokens[0].name=ops",
        "driftline.registry.security.tokens[0].role=VIEWER",
        "driftline.registry.security.tokens[0].sha256=abc").run(context ->
        assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
            .contains("driftline.registry.security.tokens[].sha256 of API token 'ops' must be 64 hex digits"));
  }

  @Test
  void unknownRoleIsRefusedNamingTheProperty() {
    runner.withPropertyValues("driftline.registry.security.tokens[0].name=ops",
        "driftline.registry.security.tokens[0].role=ROOT",
        "driftline.registry.security.tokens[0].token=t").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasStackTraceContaining("driftline.registry.security.tokens[0].role")
              .hasStackTraceContaining("ROOT");
        });
  }
}
