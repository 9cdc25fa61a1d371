package io.driftline.teacher.intake;

import io.driftline.core.events.DriftIncident;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.stereotype.Component;

/**
 * Follows {@code drift.incidents}: applies each event to the {@link IncidentStore} and, once the
 * change is committed, passes it to every {@link IncidentListener} bean. Repeated and stale events
 * (including the teacher's own, which come back) change nothing and reach no listener.
 */
@Component
class IncidentIntake {

  private static final LogAccessor LOG = new LogAccessor(IncidentIntake.class);

  private final IncidentStore store;
  private final ObjectProvider<IncidentListener> listeners;
  private final MeterRegistry meters;

  IncidentIntake(IncidentStore store, ObjectProvider<IncidentListener> listeners, MeterRegistry meters) {
    this.store = store;
    this.listeners = listeners;
    this.meters = meters;
  }

  @KafkaListener(id = IncidentListener.CONTAINER_ID, topics = "${driftline.teacher.intake.incidents-topic:drift.incidents}",
      groupId = "${driftline.teacher.intake.group-id:cloud-teacher}", containerFactory = "incidentsListenerFactory",
      autoStartup = "${driftline.teacher.intake.auto-startup:true}")
  void onIncident(ConsumerRecord<String, @Nullable DriftIncident> record) {
    DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
        SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG);
    if (unreadable != null) {
      throw unreadable;
    }
    DriftIncident incident = record.value();
    if (incident == null) {
      throw new RejectedRecordException("null value (tombstone) on " + record.topic() + ", which takes no deletions");
    }
    if (!incident.deviceId().equals(record.key())) {
      throw new RejectedRecordException("incident " + incident.incidentId() + ": key '" + record.key()
          + "' is not its device id '" + incident.deviceId() + "'");
    }
    // apply commits its own transaction, so listeners only ever see committed changes.
    Optional<IncidentChange> change = store.apply(incident);
    meters.counter("driftline.teacher.incidents", "outcome", change.isPresent() ? "changed" : "unchanged").increment();
    change.ifPresent(this::notifyListeners);
  }

  private void notifyListeners(IncidentChange change) {
    DriftIncident incident = change.incident();
    LOG.info(() -> "incident " + incident.incidentId() + " of device " + incident.deviceId() + " (group "
        + incident.groupId() + "): " + change.previousState() + " -> " + incident.state() + " at window "
        + incident.lastWindowSeq());
    List<IncidentListener> all = listeners.orderedStream().toList();
    for (IncidentListener listener : all) {
      try {
        listener.onIncident(change);
      } catch (RuntimeException e) {
        // The change is committed: redelivering the record would find nothing to do, so a failing
        // listener is reported here and the others still run.
        LOG.error(e, () -> "incident listener " + listener.getClass().getName() + " failed on incident "
            + incident.incidentId() + " (" + incident.state() + ")");
      }
    }
  }
}
