package io.driftline.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

/**
 * A bad {@code driftline.agent.*} value stops the context from starting, with one line that names
 * the property and the rule (what Spring Boot's start-up failure report prints as the reason);
 * {@code AgentConfigTest} starts the whole agent with a few of them.
 */
class AgentPropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withUserConfiguration(Properties.class)
      .withPropertyValues("driftline.agent.device-id=d1");

  @EnableConfigurationProperties(AgentProperties.class)
  static class Properties {}

  @Test
  void defaultsWithADeviceIdStart() {
    runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(AgentProperties.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      registry.url=registry:8084                | driftline.agent.registry.url must be an http:// or https:// URL with a host, was 'registry:8084'
      registry.url=http://                      | driftline.agent.registry.url must be an http:// or https:// URL with a host, was 'http://'
      registry.request-timeout=0s               | driftline.agent.registry.request-timeout must be longer than 0, was PT0S
      registry.signing-key=not-a-key            | driftline.agent.registry.signing-key must be an Ed25519 public key (PEM, or base64 of its 32 raw bytes)
      registry.enrolment.precisions=FP16        | driftline.agent.registry.enrolment.precisions must be among [FP32, INT8, BINARY], was 'FP16'
      registry.enrolment.ram-bytes=0            | driftline.agent.registry.enrolment.ram-bytes must be >= 1, was 0
      source.poll-interval=-1s                  | driftline.agent.source.poll-interval must be longer than 0, was PT-1S
      source.frames-per-second=Infinity         | driftline.agent.source.frames-per-second must be a finite number >= 0, was Infinity
      upload.max-carry-over-seconds=-1          | driftline.agent.upload.max-carry-over-seconds must be a finite number >= 0, was -1.0
      upload.min-score=NaN                      | driftline.agent.upload.min-score must be a finite number, was NaN
      queue.send-timeout=0s                     | driftline.agent.queue.send-timeout must be longer than 0, was PT0S
      hdc.dimension=2000000                     | driftline.agent.hdc.dimension must be in [64, 1048576], was 2000000
      hdc.ood-warmup-frames=-1                  | driftline.agent.hdc.ood-warmup-frames must be >= 0, was -1
      upload.max-frame-fraction=1.5             | driftline.agent.upload.max-frame-fraction must be in [0,1], was 1.5
      """)
  void badValueStopsTheStartNamingPropertyAndRule(String property, String rule) {
    runner.withPropertyValues("driftline.agent." + property).run(context -> {
      assertThat(context).hasFailed();
      String reason = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
      assertThat(reason).contains(rule).doesNotContain("\n");
    });
  }
}
