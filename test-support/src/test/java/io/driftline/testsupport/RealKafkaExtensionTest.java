package io.driftline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@RealKafka
class RealKafkaExtensionTest {

  @Test
  void sharedBrokerFollowsTheDocumentedOrder(KafkaTestBroker broker) throws Exception {
    InfrastructureSource expected = System.getenv(KafkaTestBroker.ENV_BOOTSTRAP) != null
        ? InfrastructureSource.ENVIRONMENT
        : Docker.isAvailable() ? InfrastructureSource.TESTCONTAINERS : InfrastructureSource.LOCAL;
    assertThat(broker.source()).isEqualTo(expected);
    assertThat(KafkaTestBroker.bootstrap()).isEqualTo(broker.bootstrapServers());
    KafkaRoundTrip.assertRoundTrip(broker.bootstrapServers());
  }
}
