package io.driftline.core.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes any Driftline event as a Kafka record value in its type's format (the compact binary
 * format for {@link DeviceSample}, JSON for the others) and, when the producer passes headers,
 * its CloudEvents attributes (see {@link CloudEventHeaders#writeTo}).
 *
 * <p>A null value is written as null: on {@link Topics#FLEET_DESIRED_STATE} that tombstone
 * removes the device.
 *
 * @param <T> the event record type
 */
public class EventSerializer<T extends DriftlineEvent> implements Serializer<T> {

  /** Creates a serializer; it needs no configuration. */
  public EventSerializer() {}

  /** Serializes {@code data} without headers. */
  @Override
  public byte @Nullable [] serialize(String topic, @Nullable T data) {
    if (data == null) {
      return null;
    }
    if (data instanceof DeviceSample sample) {
      return DeviceSampleCodec.encode(sample);
    }
    return EventJson.write(topic, data);
  }

  /** Serializes {@code data} and writes its CloudEvents headers (replacing any already there). */
  @Override
  public byte @Nullable [] serialize(String topic, Headers headers, @Nullable T data) {
    if (data == null) {
      return null;
    }
    byte[] value = serialize(topic, data);
    CloudEventHeaders.of(data).writeTo(headers);
    return value;
  }
}
