package io.driftline.core.events;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Signals that a Kafka record on a Driftline topic could not be read or written: the message names
 * the topic and what was wrong (bad magic byte, truncated data, a missing or invalid field), so that
 * a dead-letter recoverer can copy it into the DLT record's exception headers.
 */
public class EventFormatException extends SerializationException {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String reason;

  /** Creates an exception for {@code topic} with a reason that names the offending field. */
  public EventFormatException(String topic, String reason) {
    super(format(topic, reason));
    this.topic = topic;
    this.reason = reason;
  }

  /** Creates an exception for {@code topic} with a reason and the underlying cause. */
  public EventFormatException(String topic, String reason, Throwable cause) {
    super(format(topic, reason), cause);
    this.topic = topic;
    this.reason = reason;
  }

  /** The topic of the record that failed. */
  public String topic() {
    return topic;
  }

  /** What was wrong, without the topic prefix. */
  public String reason() {
    return reason;
  }

  private static String format(String topic, String reason) {
    return "bad record on topic '" + topic + "': " + reason;
  }
}
