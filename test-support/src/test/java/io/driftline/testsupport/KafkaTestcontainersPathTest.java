package io.driftline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

@Testcontainers(disabledWithoutDocker = true)
class KafkaTestcontainersPathTest {

  @Test
  void containerBrokerCarriesRecords() throws Exception {
    try (KafkaTestBroker broker = KafkaTestBroker.start(InfrastructureSource.TESTCONTAINERS)) {
      assertThat(broker.source()).isEqualTo(InfrastructureSource.TESTCONTAINERS);
      KafkaRoundTrip.assertRoundTrip(broker.bootstrapServers());
    }
  }
}
