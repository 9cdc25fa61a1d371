package io.driftline.teacher.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.teacher.intake.IntakeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

/**
 * A bad {@code driftline.teacher.*} value stops the context from starting, with one line that
 * names the property and the rule (what Spring Boot's start-up failure report prints as the reason).
 */
class TeacherPropertiesTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Properties.class);

  @EnableConfigurationProperties({TeacherProperties.class, IntakeProperties.class})
  static class Properties {}

  @Test
  void defaultsStart() {
    runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(TeacherProperties.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      registry.url=                            | driftline.teacher.registry.url must be an http:// or https:// URL, was empty
      registry.url=localhost:8084              | driftline.teacher.registry.url must be an http:// or https:// URL with a host, was 'localhost:8084'
      registry.url=http://reg istry            | driftline.teacher.registry.url must be an http:// or https:// URL with a host, was 'http://reg istry'
      registry.timeout=0s                      | driftline.teacher.registry.timeout must be longer than 0, was PT0S
      catalog.url=catalog                      | driftline.teacher.catalog.url must be an http:// or https:// URL with a host, was 'catalog'
      models.teacher=teacher                   | driftline.teacher.models.teacher must be name:version with a version >= 1, e.g. teacher:1; was 'teacher'
      models.teacher=teacher:0                 | driftline.teacher.models.teacher must be name:version with a version >= 1
      source.samples=1                         | driftline.teacher.source.samples must be >= 2, was 1
      jobs.workers=0                           | driftline.teacher.jobs.workers must be >= 1, was 0
      jobs.settle=-1s                          | driftline.teacher.jobs.settle must not be negative, was PT-1S
      jobs.carried-domains=-1                  | driftline.teacher.jobs.carried-domains must be >= 0, was -1
      jobs.stale-after=0s                      | driftline.teacher.jobs.stale-after must be longer than 0, was PT0S
      jobs.poll=0ms                            | driftline.teacher.jobs.poll must be longer than 0, was PT0S
      gate.max-source-regression-points=5      | driftline.teacher.gate.max-source-regression-points must be in [0.0, 1.0], was 5.0
      gate.min-gain-points=-1                  | driftline.teacher.gate.min-gain-points must be in [0.0, 100.0], was -1.0
      gate.min-held-out=0                      | driftline.teacher.gate.min-held-out must be >= 1, was 0
      pipeline.held-out-fraction=1             | driftline.teacher.pipeline.held-out-fraction must be in (0, 1), was 1.0
      pipeline.prompt-steps=0                  | driftline.teacher.pipeline.prompt-steps must be >= 1, was 0
      intake.retry-interval=0s                 | driftline.teacher.intake.retry-interval must be longer than 0, was PT0S
      intake.partitions=0                      | driftline.teacher.intake.partitions must be >= 1, was 0
      """)
  void badValueStopsTheStartNamingPropertyAndRule(String property, String rule) {
    runner.withPropertyValues("driftline.teacher." + property).run(context -> {
      assertThat(context).hasFailed();
      String reason = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
      assertThat(reason).contains(rule).doesNotContain("\n");
    });
  }

  @Test
  void unknownRoleIsRefusedNamingTheProperty() {
    runner.withPropertyValues("driftline.teacher.security.tokens[0].name=ops",
        "driftline.teacher.security.tokens[0].role=ADMIN",
        "driftline.teacher.security.tokens[0].token=t").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasStackTraceContaining("driftline.teacher.security.tokens[0].role")
              .hasStackTraceContaining("ADMIN");
        });
  }
}
