package io.driftline.core.events;

import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * Reads Kafka record values of one Driftline event type, throwing an {@link EventFormatException}
 * that names the topic and the problem for anything malformed, so an error-handling deserializer can
 * route the record to the dead-letter topic with the reason.
 *
 * <p>A null value (a tombstone) is returned as null. When the record carries a {@code ce_type}
 * header it must match the expected type; records without CloudEvents headers are accepted.
 *
 * <p>Create it with {@link #EventDeserializer(Class)}, or by class name with the config
 * {@value #EVENT_TYPE_CONFIG} set to an {@link EventType} name (e.g. {@code TELEMETRY_WINDOW}).
 *
 * @param <T> the event record type
 */
public class EventDeserializer<T extends DriftlineEvent> implements Deserializer<T> {

  /** Config key naming the {@link EventType} to read when the deserializer is created by class name. */
  public static final String EVENT_TYPE_CONFIG = "driftline.events.type";

  private @Nullable EventType type;

  /** Creates a deserializer that must be configured with {@value #EVENT_TYPE_CONFIG}. */
  public EventDeserializer() {}

  /** Creates a deserializer for records of {@code recordType}. */
  public EventDeserializer(Class<T> recordType) {
    this.type = typeOf(recordType);
  }

  /** Reads {@value #EVENT_TYPE_CONFIG} unless the type was given to the constructor. */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object configured = configs.get(EVENT_TYPE_CONFIG);
    if (configured == null) {
      if (type == null) {
        throw new IllegalArgumentException(
            "EventDeserializer needs the config " + EVENT_TYPE_CONFIG + " set to one of "
                + Arrays.toString(EventType.values()));
      }
      return;
    }
    EventType requested;
    try {
      requested = configured instanceof EventType t ? t : EventType.valueOf(configured.toString().trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(EVENT_TYPE_CONFIG + " is '" + configured + "', expected one of "
          + Arrays.toString(EventType.values()), e);
    }
    if (type != null && type != requested) {
      throw new IllegalArgumentException(EVENT_TYPE_CONFIG + " is " + requested
          + " but this deserializer was created for " + type);
    }
    type = requested;
  }

  /** Deserializes {@code data}, or returns null for a tombstone. */
  @Override
  public @Nullable T deserialize(String topic, byte @Nullable [] data) {
    if (data == null) {
      return null;
    }
    EventType expected = expectedType();
    Object event = switch (expected) {
      case DEVICE_SAMPLE -> DeviceSampleCodec.decode(topic, data);
      case TELEMETRY_WINDOW -> TelemetryWindowJson.read(topic, data);
      default -> EventJson.read(topic, data, expected.recordType().asSubclass(Record.class));
    };
    @SuppressWarnings("unchecked")
    T typed = (T) event;
    return typed;
  }

  /** Checks the {@code ce_type} header, when present, then deserializes {@code data}. */
  @Override
  public @Nullable T deserialize(String topic, Headers headers, byte @Nullable [] data) {
    if (data == null) {
      return null;
    }
    String ceType = CloudEventHeaders.typeOf(headers);
    EventType expected = expectedType();
    if (ceType != null && !ceType.equals(expected.ceType())) {
      throw new EventFormatException(topic, "header " + CloudEventHeaders.TYPE + " is '" + ceType
          + "' but this consumer reads '" + expected.ceType() + "' (a record on the wrong topic?)");
    }
    return deserialize(topic, data);
  }

  private EventType expectedType() {
    if (type == null) {
      throw new IllegalStateException(
          "EventDeserializer was created by class name but not configured with " + EVENT_TYPE_CONFIG);
    }
    return type;
  }

  private static EventType typeOf(Class<?> recordType) {
    for (EventType t : EventType.values()) {
      if (t.recordType() == recordType) {
        return t;
      }
    }
    throw new IllegalArgumentException(recordType.getName() + " is not a Driftline event record");
  }
}
