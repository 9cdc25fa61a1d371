package io.driftline.core.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The CloudEvents 1.0 attributes of a Kafka record, carried as headers in the Kafka protocol
 * binding's binary mode: {@code ce_specversion}, {@code ce_id}, {@code ce_type}, {@code ce_source},
 * {@code ce_time} (RFC 3339), optional {@code ce_subject}, and {@code content-type}. Header values
 * are UTF-8.
 *
 * @param id the event id, unique within {@code source}
 * @param type the event type, e.g. {@code io.driftline.device.sample.v1}
 * @param source a URI reference naming the producer, e.g. {@code /devices/cam-7}
 * @param time when the occurrence happened
 * @param subject what in the source the event is about, or null
 * @param contentType the media type of the record value
 */
public record CloudEventHeaders(
    String id, String type, String source, Instant time, @Nullable String subject, String contentType) {

  /** The only CloudEvents spec version written and accepted. */
  public static final String SPEC_VERSION = "1.0";
  /** Header carrying the spec version. */
  public static final String SPECVERSION = "ce_specversion";
  /** Header carrying the event id. */
  public static final String ID = "ce_id";
  /** Header carrying the event type. */
  public static final String TYPE = "ce_type";
  /** Header carrying the source URI reference. */
  public static final String SOURCE = "ce_source";
  /** Header carrying the RFC 3339 time. */
  public static final String TIME = "ce_time";
  /** Header carrying the optional subject. */
  public static final String SUBJECT = "ce_subject";
  /** Header carrying the value's media type (the CloudEvents {@code datacontenttype}). */
  public static final String CONTENT_TYPE = "content-type";

  /** Checks that the required attributes are present and non-blank. */
  public CloudEventHeaders {
    nonBlank(id, ID);
    nonBlank(type, TYPE);
    nonBlank(source, SOURCE);
    Checks.required(time, TIME);
    if (subject != null) {
      nonBlank(subject, SUBJECT);
    }
    nonBlank(contentType, CONTENT_TYPE);
  }

  /** Returns the attributes an event describes itself with (see {@link DriftlineEvent}). */
  public static CloudEventHeaders of(DriftlineEvent event) {
    EventType type = event.eventType();
    return new CloudEventHeaders(event.ceId(), type.ceType(), event.ceSource(), event.ceTime(),
        event.ceSubject(), type.contentType());
  }

  /**
   * Writes the attributes into {@code headers}, replacing any {@code ce_*} and {@code content-type}
   * headers already there (so a record never carries two different ids).
   */
  public void writeTo(Headers headers) {
    put(headers, SPECVERSION, SPEC_VERSION);
    put(headers, ID, id);
    put(headers, TYPE, type);
    put(headers, SOURCE, source);
    put(headers, TIME, time.toString());
    if (subject != null) {
      put(headers, SUBJECT, subject);
    } else {
      headers.remove(SUBJECT);
    }
    put(headers, CONTENT_TYPE, contentType);
  }

  /**
   * Reads and checks the attributes of a record on {@code topic}.
   *
   * @throws EventFormatException naming the attribute that is missing, blank or invalid
   *     (e.g. a {@code ce_specversion} other than 1.0 or a {@code ce_time} that is not RFC 3339)
   */
  public static CloudEventHeaders readFrom(String topic, Headers headers) {
    String specVersion = require(topic, headers, SPECVERSION);
    if (!SPEC_VERSION.equals(specVersion)) {
      throw new EventFormatException(topic, "header " + SPECVERSION + " is '" + specVersion
          + "', only CloudEvents " + SPEC_VERSION + " is supported");
    }
    String id = require(topic, headers, ID);
    String type = require(topic, headers, TYPE);
    String source = require(topic, headers, SOURCE);
    String timeText = require(topic, headers, TIME);
    Instant time;
    try {
      time = OffsetDateTime.parse(timeText).toInstant();
    } catch (DateTimeParseException e) {
      throw new EventFormatException(topic, "header " + TIME + " is '" + timeText
          + "', not an RFC 3339 timestamp such as 2025-01-31T12:00:00Z", e);
    }
    String subject = optional(topic, headers, SUBJECT);
    String contentType = require(topic, headers, CONTENT_TYPE);
    return new CloudEventHeaders(id, type, source, time, subject, contentType);
  }

  /**
   * Reads the {@code ce_type} header of a record, or null when it has none; a lenient check used by
   * the deserializers, which also accept records without CloudEvents headers.
   */
  public static @Nullable String typeOf(Headers headers) {
    Header h = headers.lastHeader(TYPE);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String require(String topic, Headers headers, String name) {
    String value = optional(topic, headers, name);
    if (value == null) {
      throw new EventFormatException(topic, "required CloudEvents header " + name + " is missing");
    }
    return value;
  }

  private static @Nullable String optional(String topic, Headers headers, String name) {
    Header h = headers.lastHeader(name);
    if (h == null) {
      return null;
    }
    String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    if (value.isBlank()) {
      throw new EventFormatException(topic, "CloudEvents header " + name + " is blank");
    }
    return value;
  }

  private static void nonBlank(@Nullable String value, String name) {
    if (Checks.required(value, name).isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
