package io.driftline.drift.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

/**
 * A bad {@code driftline.drift.*} value stops the context from starting, with one line that
 * names the property and the rule (what Spring Boot's start-up failure report prints as the reason).
 */
class DriftPropertiesTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Properties.class);

  @EnableConfigurationProperties(DriftProperties.class)
  static class Properties {}

  @Test
  void defaultsStart() {
    runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(DriftProperties.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      topics.incidents=device.telemetry         | driftline.drift.topics.telemetry and .incidents must be two different non-blank names
      topics.partitions=0                       | driftline.drift.topics.partitions must be > 0, got 0
      detection.warmup-windows=3                | driftline.drift.detection.warmup-windows must be >= 4, got 3
      detection.ph-lambda=0                     | driftline.drift.detection.ph-lambda must be > 0, got 0.0
      detection.ph-delta=-1                     | driftline.drift.detection.ph-delta must be >= 0, got -1.0
      detection.adwin-delta=1                   | driftline.drift.detection.adwin-delta must be in (0, 1), got 1.0
      detection.ks-min-reference=40             | driftline.drift.detection.ks-min-reference + ks-min-post (43) must fit in driftline.drift.detection.history-windows (32)
      lifecycle.recovery-fraction=0             | driftline.drift.lifecycle.recovery-fraction must be in (0, 1], got 0.0
      lifecycle.recovery-windows=0              | driftline.drift.lifecycle.recovery-windows must be > 0, got 0
      cohorting.span=0s                         | driftline.drift.cohorting.span must be positive, got PT0S
      cohorting.span=-1h                        | driftline.drift.cohorting.span must be positive, got PT-1H
      """)
  void badValueStopsTheStartNamingPropertyAndRule(String property, String rule) {
    runner.withPropertyValues("driftline.drift." + property).run(context -> {
      assertThat(context).hasFailed();
      String reason = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
      assertThat(reason).contains(rule).doesNotContain("\n");
    });
  }
}
