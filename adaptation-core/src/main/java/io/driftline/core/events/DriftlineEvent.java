package io.driftline.core.events;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A record published on one of the Driftline topics: it knows its Kafka key and the CloudEvents
 * attributes that describe it, so producers never assemble them by hand.
 */
public sealed interface DriftlineEvent
    permits DeviceSample, TelemetryWindow, DriftIncident, DesiredState, RegistryEvent {

  /** The Kafka record key: the id of the entity the event is about (see each record). */
  String key();

  /** The event type, which fixes the topic, {@code ce_type} and {@code content-type}. */
  EventType eventType();

  /**
   * The CloudEvents {@code id}: unique within {@link #ceSource()} and the same when the same event
   * is published again, so consumers can drop duplicates.
   */
  String ceId();

  /** The CloudEvents {@code source}, a URI reference such as {@code /devices/cam-7} or {@code /registry}. */
  String ceSource();

  /** The CloudEvents {@code time}: when the described occurrence happened. */
  Instant ceTime();

  /** The CloudEvents {@code subject}, or null when the source alone identifies what it is about. */
  default @Nullable String ceSubject() {
    return null;
  }
}
