package io.driftline.agent.queue;

import java.util.List;
import java.util.Map;

/**
 * Holds one record waiting to be sent: topic, key, value and headers.
 *
 * @param topic the topic
 * @param key the record key (the device id)
 * @param value the serialised event
 * @param headers header name and value pairs, in order
 */
public record QueuedRecord(String topic, String key, byte[] value, List<Map.Entry<String, byte[]>> headers) {

  /** Copies the headers. */
  public QueuedRecord {
    headers = List.copyOf(headers);
  }

  /** Bytes this record takes on disk, roughly. */
  public long size() {
    long size = 16L + topic.length() + key.length() + value.length;
    for (Map.Entry<String, byte[]> h : headers) {
      size += 8 + h.getKey().length() + h.getValue().length;
    }
    return size;
  }
}
