package io.driftline.core.events;

import java.util.Optional;

/**
 * The Driftline event types: one CloudEvents {@code ce_type} per record, with the topic it travels
 * on, its record class and its {@code content-type}.
 *
 * <p>The {@code .v1} suffix is the payload version; an incompatible payload change gets a new type
 * (and, for the binary sample, a new format version byte).
 */
public enum EventType {
  /** A {@link DeviceSample} on {@link Topics#DEVICE_SAMPLES}. */
  DEVICE_SAMPLE("io.driftline.device.sample.v1", Topics.DEVICE_SAMPLES, DeviceSample.class,
      EventType.SAMPLE_CONTENT_TYPE),
  /** A {@link TelemetryWindow} on {@link Topics#DEVICE_TELEMETRY}. */
  TELEMETRY_WINDOW("io.driftline.device.telemetry.v1", Topics.DEVICE_TELEMETRY, TelemetryWindow.class,
      EventType.JSON_CONTENT_TYPE),
  /** A {@link DriftIncident} on {@link Topics#DRIFT_INCIDENTS}. */
  DRIFT_INCIDENT("io.driftline.drift.incident.v1", Topics.DRIFT_INCIDENTS, DriftIncident.class,
      EventType.JSON_CONTENT_TYPE),
  /** A {@link DesiredState} on {@link Topics#FLEET_DESIRED_STATE}. */
  DESIRED_STATE("io.driftline.fleet.desired-state.v1", Topics.FLEET_DESIRED_STATE, DesiredState.class,
      EventType.JSON_CONTENT_TYPE),
  /** A {@link RegistryEvent} on {@link Topics#REGISTRY_EVENTS}. */
  REGISTRY_EVENT("io.driftline.registry.event.v1", Topics.REGISTRY_EVENTS, RegistryEvent.class,
      EventType.JSON_CONTENT_TYPE);

  /** Content type of the compact binary sample format (see {@link DeviceSampleCodec}). */
  public static final String SAMPLE_CONTENT_TYPE = "application/vnd.driftline.device-sample.v1";

  /** Content type of the JSON records. */
  public static final String JSON_CONTENT_TYPE = "application/json";

  private final String ceType;
  private final String topic;
  private final Class<? extends DriftlineEvent> recordType;
  private final String contentType;

  EventType(String ceType, String topic, Class<? extends DriftlineEvent> recordType, String contentType) {
    this.ceType = ceType;
    this.topic = topic;
    this.recordType = recordType;
    this.contentType = contentType;
  }

  /** The CloudEvents {@code type} attribute, e.g. {@code io.driftline.device.sample.v1}. */
  public String ceType() {
    return ceType;
  }

  /** The topic events of this type are published to. */
  public String topic() {
    return topic;
  }

  /** The record class carrying this type. */
  public Class<? extends DriftlineEvent> recordType() {
    return recordType;
  }

  /** The value's media type, written as the {@code content-type} header. */
  public String contentType() {
    return contentType;
  }

  /** Finds the type whose {@link #ceType()} equals {@code ceType}. */
  public static Optional<EventType> fromCeType(String ceType) {
    for (EventType t : values()) {
      if (t.ceType.equals(ceType)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
