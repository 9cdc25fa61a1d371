package io.driftline.core.events;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Names of the Kafka topics Driftline services share, and the dead-letter naming convention.
 *
 * <p>Every record is keyed by the id of the entity it is about (a device id, or the registry entity
 * id), so one entity's events stay in one partition and in order.
 */
public final class Topics {

  /** UGS-selected frames uploaded by devices ({@link DeviceSample}, compact binary). */
  public static final String DEVICE_SAMPLES = "device.samples";

  /** Per-window device statistics ({@link TelemetryWindow}, JSON). */
  public static final String DEVICE_TELEMETRY = "device.telemetry";

  /** Drift incidents and their state changes ({@link DriftIncident}, JSON). */
  public static final String DRIFT_INCIDENTS = "drift.incidents";

  /** The bundle each device should run ({@link DesiredState}, JSON); log-compacted, null value = device removed. */
  public static final String FLEET_DESIRED_STATE = "fleet.desired-state";

  /** Changes in the model registry ({@link RegistryEvent}, JSON). */
  public static final String REGISTRY_EVENTS = "registry.events";

  /** Suffix of a dead-letter topic: poison records from {@code t} go to {@code t + "-dlt"}. */
  public static final String DEAD_LETTER_SUFFIX = "-dlt";

  private static final List<String> ALL =
      List.of(DEVICE_SAMPLES, DEVICE_TELEMETRY, DRIFT_INCIDENTS, FLEET_DESIRED_STATE, REGISTRY_EVENTS);

  private Topics() {}

  /** Returns the five event topics, in data-flow order. */
  public static List<String> all() {
    return ALL;
  }

  /**
   * The five event topics to create on a single-broker cluster (replication factor 1), each with
   * {@code partitions} partitions; {@link #FLEET_DESIRED_STATE} log-compacted.
   */
  public static List<NewTopic> newTopics(int partitions) {
    return ALL.stream().map(t -> {
      NewTopic topic = new NewTopic(t, partitions, (short) 1);
      return t.equals(FLEET_DESIRED_STATE) ? topic.configs(Map.of("cleanup.policy", "compact")) : topic;
    }).toList();
  }

  /**
   * Returns the dead-letter topic for {@code topic} ({@code device.samples} to
   * {@code device.samples-dlt}).
   *
   * <p>Spring Kafka's {@code DeadLetterPublishingRecoverer} defaults to a {@code .DLT} suffix, so
   * services pass a destination resolver that calls this method.
   *
   * @throws IllegalArgumentException if {@code topic} is blank or already a dead-letter topic
   */
  public static String deadLetter(String topic) {
    if (topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be blank");
    }
    if (isDeadLetter(topic)) {
      throw new IllegalArgumentException(
          "'" + topic + "' is already a dead-letter topic; dead letters are not dead-lettered again");
    }
    return topic + DEAD_LETTER_SUFFIX;
  }

  /** Tells whether {@code topic} is a dead-letter topic by its suffix. */
  public static boolean isDeadLetter(String topic) {
    return topic.endsWith(DEAD_LETTER_SUFFIX);
  }
}
