package io.driftline.teacher.intake;

import io.driftline.core.events.DeviceSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

/**
 * Follows {@code device.samples} and stores each poll with one {@link SampleStore#insertAll}.
 * Offsets are committed after the insert returns, so a crash redelivers the poll (at least once)
 * and the primary key makes the second insert a no-op.
 *
 * <p>A record that cannot be read or accepted stops the batch: the samples before it are stored,
 * and a {@link BatchListenerFailedException} naming its index lets the error handler dead-letter
 * just that record and redeliver the rest.
 */
@Component
class SampleIntake {

  private static final LogAccessor LOG = new LogAccessor(SampleIntake.class);

  private final SampleStore store;
  private final IntakeProperties properties;
  private final Counter ingested;
  private final Counter duplicates;

  SampleIntake(SampleStore store, IntakeProperties properties, MeterRegistry meters) {
    this.store = store;
    this.properties = properties;
    this.ingested = meters.counter("driftline.teacher.samples.ingested");
    this.duplicates = meters.counter("driftline.teacher.samples.duplicates");
  }

  @KafkaListener(id = "teacher-samples", topics = "${driftline.teacher.intake.samples-topic:device.samples}",
      groupId = "${driftline.teacher.intake.group-id:cloud-teacher}", containerFactory = "samplesListenerFactory",
      autoStartup = "${driftline.teacher.intake.auto-startup:true}")
  void onSamples(List<ConsumerRecord<String, @Nullable DeviceSample>> records) {
    List<DeviceSample> accepted = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, @Nullable DeviceSample> record = records.get(i);
      try {
        accepted.add(accept(record));
      } catch (RuntimeException e) {
        store(accepted);
        throw new BatchListenerFailedException("sample at offset " + record.offset() + " of "
            + record.topic() + "-" + record.partition() + " is rejected", e, i);
      }
    }
    store(accepted);
  }

  private DeviceSample accept(ConsumerRecord<String, @Nullable DeviceSample> record) {
    DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
        SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    if (unreadable != null) {
      throw unreadable;
    }
    DeviceSample sample = record.value();
    if (sample == null) {
      throw new RejectedRecordException("null value (tombstone) on " + record.topic() + ", which takes no deletions");
    }
    if (!sample.deviceId().equals(record.key())) {
      throw new RejectedRecordException("sample " + sample.eventId() + ": key '" + record.key()
          + "' is not its device id '" + sample.deviceId() + "'");
    }
    if (sample.pixels().length > properties.maxPixelBytes()) {
      throw new RejectedRecordException("sample " + sample.eventId() + " of device " + sample.deviceId() + ": "
          + sample.channels() + "x" + sample.height() + "x" + sample.width() + " = " + sample.pixels().length
          + " pixel bytes, more than driftline.teacher.intake.max-pixel-bytes = " + properties.maxPixelBytes());
    }
    return sample;
  }

  private void store(List<DeviceSample> accepted) {
    if (accepted.isEmpty()) {
      return;
    }
    int inserted = store.insertAll(accepted);
    ingested.increment(inserted);
    duplicates.increment(accepted.size() - inserted);
  }
}
