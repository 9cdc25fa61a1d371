package io.driftline.drift.stream;

import io.driftline.core.events.DeadLetterReason;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.core.events.EventDeserializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Reads the raw value with {@link EventDeserializer} and checks that the key is the event's key. A
 * record that fails gets the {@link DeadLetterReason#HEADER} header (and the original topic,
 * partition and offset as Spring Kafka's {@code kafka_dlt-original-*} headers) and goes on as an
 * invalid {@link Parsed}, which the topology routes to the dead-letter topic inside the same
 * transaction as everything else, so the application carries on.
 */
final class ParseProcessor implements FixedKeyProcessor<String, byte[], Parsed> {

  private static final Logger log = LoggerFactory.getLogger(ParseProcessor.class);

  private final EventDeserializer<? extends DriftlineEvent> deserializer;
  private final DriftMetrics metrics;
  private @Nullable FixedKeyProcessorContext<String, Parsed> context;

  ParseProcessor(Class<? extends DriftlineEvent> type, DriftMetrics metrics) {
    this.deserializer = new EventDeserializer<>(type);
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Parsed> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    FixedKeyProcessorContext<String, Parsed> ctx = java.util.Objects.requireNonNull(context);
    RecordMetadata meta = ctx.recordMetadata().orElse(null);
    String topic = meta == null ? "unknown" : meta.topic();
    String reason;
    try {
      DriftlineEvent event = deserializer.deserialize(topic, record.headers(), record.value());
      if (event == null) {
        reason = "bad record on topic '" + topic + "': null value (a tombstone) is not an event";
      } else if (!event.key().equals(record.key())) {
        reason = "bad record on topic '" + topic + "': key '" + record.key()
            + "' does not match the event's key '" + event.key() + "'";
      } else {
        ctx.forward(record.withValue(new Parsed(event, null, null)));
        return;
      }
    } catch (SerializationException e) {
      reason = DeadLetterReason.of(e);
    }
    record.headers().remove(DeadLetterReason.HEADER);
    record.headers().add(DeadLetterReason.HEADER, reason.getBytes(StandardCharsets.UTF_8));
    if (meta != null) {
      record.headers().add(KafkaHeaders.DLT_ORIGINAL_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
      record.headers().add(KafkaHeaders.DLT_ORIGINAL_PARTITION,
          ByteBuffer.allocate(Integer.BYTES).putInt(meta.partition()).array());
      record.headers().add(KafkaHeaders.DLT_ORIGINAL_OFFSET,
          ByteBuffer.allocate(Long.BYTES).putLong(meta.offset()).array());
    }
    metrics.deadLetter(topic);
    log.warn("dead letter topic={} partition={} offset={} key={} reason={}", topic,
        meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), record.key(), reason);
    ctx.forward(record.withValue(new Parsed(null, record.value(), reason)));
  }
}
