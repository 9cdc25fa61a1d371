package io.driftline.sandbox.scale;

import io.driftline.agent.queue.ReliableSender;
import io.driftline.core.events.CloudEventHeaders;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventSerializer;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the records of many light devices through one idempotent producer, as a gateway in front of
 * a group of devices would: the same bytes and CloudEvents headers as the agent's
 * {@link ReliableSender}, keyed by device id, with the agent's producer settings, but no offline
 * disk queue. The agent's sender never blocks and replays its queue one record at a time, which
 * suits one device's record rate but not a hundred devices': this one blocks the frame tick when
 * the producer's buffer is full, which the run reports as frames behind schedule.
 */
final class GatewaySender implements AutoCloseable {

  private static final java.time.Duration SEND_TIMEOUT = java.time.Duration.ofSeconds(30);
  private final KafkaProducer<String, byte[]> producer;
  private final EventSerializer<DriftlineEvent> serializer = new EventSerializer<>();
  private final Map<String, LongAdder> delivered = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();

  GatewaySender(String bootstrap, String clientId) {
    Properties p = ReliableSender.producerConfig(bootstrap, clientId, SEND_TIMEOUT);
    // block (back-pressure on the frame tick) instead of failing at once into a disk queue
    p.remove(ProducerConfig.MAX_BLOCK_MS_CONFIG);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends {@code event} keyed by {@code deviceId}; counts it delivered or failed when the broker answers. */
  void send(String topic, String deviceId, DriftlineEvent event) {
    RecordHeaders headers = new RecordHeaders();
    CloudEventHeaders.of(event).writeTo(headers);
    producer.send(new ProducerRecord<>(topic, null, deviceId, serializer.serialize(topic, event), headers),
        (metadata, error) -> (error == null ? delivered : failed).computeIfAbsent(topic, t -> new LongAdder()).increment());
  }

  long delivered(String topic) {
    LongAdder n = delivered.get(topic);
    return n == null ? 0 : n.sum();
  }

  long failed(String topic) {
    LongAdder n = failed.get(topic);
    return n == null ? 0 : n.sum();
  }

  /** Waits until every record sent so far has been answered. */
  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
