package io.driftline.drift.stream;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerdes;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.config.DriftProperties;
import io.driftline.drift.incident.DeviceMonitor;
import io.driftline.drift.incident.DeviceStateSerde;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the drift detector's Kafka Streams topology:
 *
 * <pre>
 * device.telemetry ─parse─┬─ invalid ─▶ device.telemetry-dlt
 *                         └─ valid ──┐
 * drift.incidents ──parse─┬─ invalid ─▶ drift.incidents-dlt
 *                         └─ valid ──┴▶ device monitor [drift-device-state]
 *                                          │ incident changes, re-keyed to one partition
 *                                          ▼
 *                                   cohorts [drift-cohorts] ─▶ drift.incidents (key = device id)
 * </pre>
 *
 * Both stores are persistent (RocksDB) and changelogged, so a restarted instance resumes where the
 * last committed transaction left off.
 */
public final class DriftTopology {

  /** Name of the per-device state store. */
  public static final String DEVICE_STORE = "drift-device-state";
  /** Name of the store of open incidents used for grouping. */
  public static final String COHORT_STORE = "drift-cohorts";
  /** Key all incident changes share on the way to the cohort step. */
  static final String COHORT_KEY = "cohorts";

  private DriftTopology() {}

  /** Adds the topology to {@code builder} and returns the stream of published incident events. */
  public static KStream<String, DriftIncident> build(StreamsBuilder builder, DriftProperties properties,
      DriftMetrics metrics) {
    return build(builder, properties, metrics, DeviceProcessor.LIVE_STATES);
  }

  /** As {@link #build(StreamsBuilder, DriftProperties, DriftMetrics)}, keeping at most {@code liveStates} states as objects per task. */
  static KStream<String, DriftIncident> build(StreamsBuilder builder, DriftProperties properties,
      DriftMetrics metrics, int liveStates) {
    DriftProperties.Topics topics = properties.topics();
    Serde<DriftIncident> incidentSerde = EventSerdes.driftIncident();
    DeviceMonitor monitor = new DeviceMonitor(properties);

    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEVICE_STORE),
        Serdes.String(), new DeviceStateSerde(properties)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COHORT_STORE),
        Serdes.String(), incidentSerde));

    KStream<String, DriftlineEvent> telemetry =
        validated(builder, topics.telemetry(), topics.telemetryDeadLetter(), TelemetryWindow.class, "telemetry", metrics);
    KStream<String, DriftlineEvent> incidents =
        validated(builder, topics.incidents(), topics.incidentsDeadLetter(), DriftIncident.class, "incidents", metrics);

    KStream<String, DriftIncident> published = telemetry.merge(incidents, Named.as("device-inputs"))
        .process(() -> new DeviceProcessor(monitor, metrics, liveStates), Named.as("device-monitor"), DEVICE_STORE)
        .selectKey((deviceId, incident) -> COHORT_KEY, Named.as("to-cohorts"))
        .repartition(Repartitioned.<String, DriftIncident>as("cohort-input")
            .withKeySerde(Serdes.String()).withValueSerde(incidentSerde).withNumberOfPartitions(1))
        .process(() -> new CohortProcessor(properties.cohorting()), Named.as("cohorts"), COHORT_STORE);
    published.to(topics.incidents(), Produced.with(Serdes.String(), incidentSerde).withName("incidents-out"));
    return published;
  }

  private static KStream<String, DriftlineEvent> validated(StreamsBuilder builder, String topic,
      String deadLetterTopic, Class<? extends DriftlineEvent> type, String name, DriftMetrics metrics) {
    Map<String, KStream<String, Parsed>> branches = builder
        .stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-in"))
        .processValues(() -> new ParseProcessor(type, metrics), Named.as(name + "-parse"))
        .split(Named.as(name + "-"))
        .branch((key, parsed) -> parsed.valid(), Branched.as("valid"))
        .defaultBranch(Branched.as("invalid"));
    branches.get(name + "-invalid")
        .mapValues(Parsed::raw, Named.as(name + "-raw"))
        .to(deadLetterTopic, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-dlt"));
    return branches.get(name + "-valid")
        .mapValues(parsed -> Objects.requireNonNull(parsed.event()), Named.as(name + "-event"));
  }
}
