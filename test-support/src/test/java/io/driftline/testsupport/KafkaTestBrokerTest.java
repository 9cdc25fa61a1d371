package io.driftline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaTestBrokerTest {

  @Test
  void embeddedBrokerIsUsedWithoutEnvironmentOrDocker() throws Exception {
    try (KafkaTestBroker broker = KafkaTestBroker.start(Map.of(), false)) {
      assertThat(broker.source()).isEqualTo(InfrastructureSource.LOCAL);
      KafkaRoundTrip.assertRoundTrip(broker.bootstrapServers());
    }
  }

  @Test
  void environmentAddressWinsAndIsLeftRunningOnClose() throws Exception {
    try (KafkaTestBroker real = KafkaTestBroker.start(InfrastructureSource.LOCAL)) {
      Map<String, String> env = Map.of(KafkaTestBroker.ENV_BOOTSTRAP, " " + real.bootstrapServers() + " ");

      KafkaTestBroker fromEnv = KafkaTestBroker.start(env, true);
      assertThat(fromEnv.source()).isEqualTo(InfrastructureSource.ENVIRONMENT);
      assertThat(fromEnv.bootstrapServers()).isEqualTo(real.bootstrapServers());
      KafkaRoundTrip.assertRoundTrip(fromEnv.bootstrapServers());

      fromEnv.close();
      KafkaRoundTrip.assertRoundTrip(real.bootstrapServers());
    }
  }
}
