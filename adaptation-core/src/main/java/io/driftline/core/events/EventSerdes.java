package io.driftline.core.events;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Kafka {@link Serde}s for the event records, e.g. for Kafka Streams topologies. */
public final class EventSerdes {

  private EventSerdes() {}

  /** Returns the serde of {@code recordType}. */
  public static <T extends DriftlineEvent> Serde<T> of(Class<T> recordType) {
    return Serdes.serdeFrom(new EventSerializer<>(), new EventDeserializer<>(recordType));
  }

  /** The {@link DeviceSample} serde (compact binary). */
  public static Serde<DeviceSample> deviceSample() {
    return of(DeviceSample.class);
  }

  /** The {@link TelemetryWindow} serde (JSON). */
  public static Serde<TelemetryWindow> telemetryWindow() {
    return of(TelemetryWindow.class);
  }

  /** The {@link DriftIncident} serde (JSON). */
  public static Serde<DriftIncident> driftIncident() {
    return of(DriftIncident.class);
  }

  /** The {@link DesiredState} serde (JSON; null = tombstone). */
  public static Serde<DesiredState> desiredState() {
    return of(DesiredState.class);
  }

  /** The {@link RegistryEvent} serde (JSON). */
  public static Serde<RegistryEvent> registryEvent() {
    return of(RegistryEvent.class);
  }
}
