package io.driftline.drift;

import io.driftline.testsupport.KafkaTestBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real broker that supports transactions, for the exactly-once tests.
 *
 * <p>The shared embedded broker of {@code test-support} keeps Kafka's defaults for the transaction
 * state log (replication factor 3, min ISR 2), which a single broker cannot satisfy, so every
 * transactional producer there waits for a coordinator forever. This starts one embedded KRaft
 * broker per test JVM with both set to 1 (and topic auto-creation off, as on the shared one), or
 * uses the broker named by {@code DRIFTLINE_TEST_KAFKA}, which must then support transactions.
 */
public final class TransactionalBroker {

  private static String bootstrap;

  private TransactionalBroker() {}

  /** Returns the bootstrap address, starting the broker on first use; it stops when the JVM exits. */
  public static synchronized String bootstrap() {
    if (bootstrap == null) {
      String fromEnv = System.getenv(KafkaTestBroker.ENV_BOOTSTRAP);
      if (fromEnv != null && !fromEnv.isBlank()) {
        bootstrap = fromEnv.trim();
      } else {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.brokerProperty("transaction.state.log.num.partitions", "4");
        // Abort a killed producer's open transaction soon after its timeout, not up to 10 s later.
        broker.brokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "transactional-broker-stop"));
        bootstrap = broker.getBrokersAsString();
      }
    }
    return bootstrap;
  }
}
