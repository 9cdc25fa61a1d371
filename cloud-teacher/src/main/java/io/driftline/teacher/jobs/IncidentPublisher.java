package io.driftline.teacher.jobs;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.DriftlineEvent;
import io.driftline.teacher.intake.IntakeProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells the drift detector what the teacher does with an incident: {@code ADAPTING} when a job
 * starts on it, {@code FAILED} when no bundle passed the gate. The detector reads these back from
 * {@code drift.incidents} and follows the incident to recovered itself.
 */
@Component
public class IncidentPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(IncidentPublisher.class);

  private final KafkaTemplate<String, DriftlineEvent> kafka;
  private final String topic;
  private final Clock clock;

  /** Creates the publisher. */
  public IncidentPublisher(KafkaTemplate<String, DriftlineEvent> kafka, IntakeProperties properties, Clock clock) {
    this.kafka = kafka;
    this.topic = properties.incidentsTopic();
    this.clock = clock;
  }

  /**
   * Publishes the incident in a new state and waits for the broker's acknowledgement.
   *
   * @throws IllegalStateException if the broker does not acknowledge within 30 s
   */
  public DriftIncident publish(DriftIncident incident, DriftIncident.State state) {
    Instant now = clock.instant();
    DriftIncident changed = new DriftIncident(incident.incidentId(), incident.deviceId(), state, incident.detector(),
        incident.statistic(), incident.statisticValue(), incident.openedAt(),
        now.isBefore(incident.changedAt()) ? incident.changedAt() : now, incident.firstWindowSeq(),
        incident.lastWindowSeq(), incident.domainSignature(), incident.groupId());
    try {
      kafka.send(topic, changed.key(), changed).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing incident " + incident.incidentId(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not publish incident " + incident.incidentId() + " " + state + ": " + e, e);
    }
    LOG.info("incident {} device={} -> {}", incident.incidentId(), incident.deviceId(), state);
    return changed;
  }
}
