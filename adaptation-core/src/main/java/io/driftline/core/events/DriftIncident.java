package io.driftline.core.events;

import io.driftline.core.hdc.Hypervector;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A drift incident of one device, published each time its state changes. Travels as JSON on
 * {@link Topics#DRIFT_INCIDENTS}; the Kafka key is the device id, so an incident's state changes
 * stay ordered with the device's other incidents.
 *
 * @param incidentId the incident's id, stable over its state changes
 * @param deviceId the drifting device; the Kafka key
 * @param state the state after this change
 * @param detector the detector that opened the incident, e.g. {@code page-hinkley} or {@code adwin}
 * @param statistic the monitored window statistic, e.g. {@code oodScore.mean} or {@code meanEntropy}
 * @param statisticValue the detector's test statistic when the state changed (finite)
 * @param openedAt when the incident was opened
 * @param changedAt when it entered {@code state} (not before {@code openedAt})
 * @param firstWindowSeq the first telemetry window that is part of the incident
 * @param lastWindowSeq the last telemetry window seen when the state changed (>= {@code firstWindowSeq})
 * @param domainSignature the HDC bundle of the drifting frames' hypervectors, or null if the device did
 *     not report hypervectors; the teacher pools devices with similar signatures
 * @param groupId the incident group (cohort) this incident belongs to: incidents of devices whose
 *     domain signatures were similar in the same time span share it, so the teacher can pool their
 *     samples; null if the publisher does not group incidents
 */
public record DriftIncident(
    String incidentId,
    String deviceId,
    State state,
    String detector,
    String statistic,
    double statisticValue,
    Instant openedAt,
    Instant changedAt,
    long firstWindowSeq,
    long lastWindowSeq,
    @Nullable Hypervector domainSignature,
    @Nullable String groupId)
    implements DriftlineEvent {

  /** Creates an incident without a group (the format before groups were added). */
  public DriftIncident(String incidentId, String deviceId, State state, String detector,
      String statistic, double statisticValue, Instant openedAt, Instant changedAt,
      long firstWindowSeq, long lastWindowSeq, @Nullable Hypervector domainSignature) {
    this(incidentId, deviceId, state, detector, statistic, statisticValue, openedAt, changedAt,
        firstWindowSeq, lastWindowSeq, domainSignature, null);
  }

  /**
   * The life cycle of an incident: open, then adapting, then recovered or failed, then closed.
   */
  public enum State {
    /** Drift detected, no adaptation started yet. */
    OPEN,
    /** The teacher is building (or the device is rolling out) an adapted bundle. */
    ADAPTING,
    /** The monitored statistic is back to normal after adaptation. */
    RECOVERED,
    /**
     * Adaptation did not bring the statistic back: no bundle passed the gate, or the statistic
     * stayed out of baseline after the bundle was active.
     */
    FAILED,
    /** Finished; no further state changes follow. */
    CLOSED
  }

  /** Checks every field; messages name the field that is wrong. */
  public DriftIncident {
    Checks.id(incidentId, "incidentId");
    Checks.id(deviceId, "deviceId");
    Checks.required(state, "state");
    Checks.id(detector, "detector");
    Checks.id(statistic, "statistic");
    Checks.finite(statisticValue, "statisticValue");
    Checks.required(openedAt, "openedAt");
    Checks.required(changedAt, "changedAt");
    if (changedAt.isBefore(openedAt)) {
      throw new IllegalArgumentException("changedAt " + changedAt + " is before openedAt " + openedAt);
    }
    Checks.nonNegative(firstWindowSeq, "firstWindowSeq");
    if (lastWindowSeq < firstWindowSeq) {
      throw new IllegalArgumentException("lastWindowSeq " + lastWindowSeq
          + " is before firstWindowSeq " + firstWindowSeq);
    }
    Checks.optionalId(groupId, "groupId");
  }

  /** The Kafka key: the device id. */
  @Override
  public String key() {
    return deviceId;
  }

  @Override
  public EventType eventType() {
    return EventType.DRIFT_INCIDENT;
  }

  /**
   * The CloudEvents id: {@code <incidentId>/<state>/<lastWindowSeq>}, so each state change (and each
   * progress update within a state) is a distinct event while re-publishing one is not.
   */
  @Override
  public String ceId() {
    return incidentId + "/" + state.name().toLowerCase(Locale.ROOT) + "/" + lastWindowSeq;
  }

  /** The CloudEvents source: {@code /drift-detector}. */
  @Override
  public String ceSource() {
    return "/drift-detector";
  }

  /** The CloudEvents time: {@link #changedAt()}. */
  @Override
  public Instant ceTime() {
    return changedAt;
  }

  /** The CloudEvents subject: the incident id. */
  @Override
  public String ceSubject() {
    return incidentId;
  }
}
