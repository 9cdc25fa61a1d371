package io.driftline.catalog.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

/**
 * A bad {@code driftline.catalog.*} value stops the context from starting, with one line that
 * names the property and the rule (what Spring Boot's start-up failure report prints as the reason).
 */
class CatalogPropertiesTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Properties.class);

  @EnableConfigurationProperties(CatalogProperties.class)
  static class Properties {}

  @Test
  void defaultsStart() {
    runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(CatalogProperties.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      sparql.timeout=0s                      | driftline.catalog.sparql.timeout must be longer than 0, was PT0S
      sparql.max-results=0                   | driftline.catalog.sparql.max-results must be >= 1, was 0
      matchmaking.frames-per-second=-10      | driftline.catalog.matchmaking.frames-per-second must be a finite number > 0, was -10.0
      matchmaking.frames-per-second=NaN      | driftline.catalog.matchmaking.frames-per-second must be a finite number > 0, was NaN
      matchmaking.max-devices-listed=0       | driftline.catalog.matchmaking.max-devices-listed must be >= 1, was 0
      events.partitions=0                    | driftline.catalog.events.partitions must be >= 1, was 0
      events.max-poll-records=-1             | driftline.catalog.events.max-poll-records must be >= 1, was -1
      events.retry-interval=-1s              | driftline.catalog.events.retry-interval must be longer than 0, was PT-1S
      events.retries=-1                      | driftline.catalog.events.retries must be >= 0, was -1
      """)
  void badValueStopsTheStartNamingPropertyAndRule(String property, String rule) {
    runner.withPropertyValues("driftline.catalog." + property).run(context -> {
      assertThat(context).hasFailed();
      String reason = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
      assertThat(reason).contains(rule).doesNotContain("\n");
    });
  }
}
