package io.driftline.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Starts one embedded Kafka broker (KRaft) set up the way Driftline runs it on one machine: topics
 * are not auto-created (services and tests declare theirs, so a missing declaration shows), and the
 * internal topics fit a single broker. Used by the tests' {@link KafkaTestBroker} and by the
 * sandbox; nothing here needs Docker or Testcontainers.
 */
public final class EmbeddedBroker {

  private EmbeddedBroker() {}

  /** Starts the broker with {@code partitions} as the default partition count; {@code destroy()} stops it. */
  public static EmbeddedKafkaKraftBroker start(int partitions) {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
    broker.brokerProperty("auto.create.topics.enable", "false");
    singleBrokerInternalTopics(broker);
    broker.afterPropertiesSet();
    return broker;
  }

  /**
   * Lets one broker host the internal topics. Kafka's defaults for the transaction state log
   * (replication factor 3, min ISR 2) cannot be met by a single broker, so a transactional producer
   * (Kafka Streams with {@code exactly_once_v2}, {@code transactional.id}) would wait for a
   * coordinator forever. The log gets 4 partitions instead of 50 (faster start), and a killed
   * producer's timed-out transaction is aborted within a second of its timeout instead of up to 10 s
   * later, so {@code read_committed} readers in crash tests are not held up.
   */
  private static void singleBrokerInternalTopics(EmbeddedKafkaKraftBroker broker) {
    broker.brokerProperty("offsets.topic.replication.factor", "1");
    broker.brokerProperty("transaction.state.log.replication.factor", "1");
    broker.brokerProperty("transaction.state.log.min.isr", "1");
    broker.brokerProperty("transaction.state.log.num.partitions", "4");
    broker.brokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
  }
}
