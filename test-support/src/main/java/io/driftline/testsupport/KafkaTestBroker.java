package io.driftline.testsupport;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Kafka broker for tests. The shared broker of a test JVM is chosen once: the address in
 * {@code DRIFTLINE_TEST_KAFKA} if set, otherwise a Testcontainers {@link KafkaContainer} when Docker
 * runs, otherwise an {@link EmbeddedKafkaKraftBroker}. Tests keep apart by using their own topic names.
 */
public final class KafkaTestBroker implements AutoCloseable {

  /** Environment variable with a bootstrap address of a broker to use instead of starting one. */
  public static final String ENV_BOOTSTRAP = "DRIFTLINE_TEST_KAFKA";

  /** The Kafka image Testcontainers starts. */
  public static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.1.1");

  private static @Nullable KafkaTestBroker shared;

  private final InfrastructureSource source;
  private final String bootstrapServers;
  private final AutoCloseable owned;

  private KafkaTestBroker(InfrastructureSource source, String bootstrapServers, AutoCloseable owned) {
    this.source = source;
    this.bootstrapServers = bootstrapServers;
    this.owned = owned;
  }

  /** Returns the JVM's shared broker, starting it on first use; it stops when the JVM exits. */
  public static synchronized KafkaTestBroker shared() {
    if (shared == null) {
      KafkaTestBroker broker = start(System.getenv(), Docker.isAvailable());
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-test-broker-stop"));
      shared = broker;
    }
    return shared;
  }

  /** Bootstrap address of the shared broker, for {@code spring.kafka.bootstrap-servers}. */
  public static String bootstrap() {
    return shared().bootstrapServers();
  }

  /**
   * Chooses and starts a broker from the given environment; the caller owns the result.
   *
   * @param env environment variables (only {@value #ENV_BOOTSTRAP} is read)
   * @param dockerAvailable whether Testcontainers may be used
   */
  public static KafkaTestBroker start(Map<String, String> env, boolean dockerAvailable) {
    String fromEnv = env.get(ENV_BOOTSTRAP);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new KafkaTestBroker(InfrastructureSource.ENVIRONMENT, fromEnv.trim(), () -> {});
    }
    return start(dockerAvailable ? InfrastructureSource.TESTCONTAINERS : InfrastructureSource.LOCAL);
  }

  /** Starts a broker of the given kind ({@link InfrastructureSource#TESTCONTAINERS} or {@code LOCAL}). */
  public static KafkaTestBroker start(InfrastructureSource source) {
    return switch (source) {
      case TESTCONTAINERS -> {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        container.start();
        yield new KafkaTestBroker(source, container.getBootstrapServers(), container::stop);
      }
      case LOCAL -> {
        // Tests and services declare their topics; auto-creation would hide a missing NewTopic.
        EmbeddedKafkaKraftBroker broker = EmbeddedBroker.start(2);
        yield new KafkaTestBroker(source, broker.getBrokersAsString(), broker::destroy);
      }
      case ENVIRONMENT -> throw new IllegalArgumentException(
          "an environment broker is not started; set " + ENV_BOOTSTRAP + " and use start(env, docker)");
    };
  }

  /** Where this broker came from. */
  public InfrastructureSource source() {
    return source;
  }

  /** The bootstrap address, such as {@code 127.0.0.1:39241}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Stops the broker if this object started it; a broker from the environment is left running. */
  @Override
  public void close() {
    try {
      owned.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the " + source + " Kafka broker", e);
    }
  }

  @Override
  public String toString() {
    return "KafkaTestBroker[" + source + " " + Objects.toString(bootstrapServers) + "]";
  }
}
