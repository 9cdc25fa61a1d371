package io.driftline.drift.stream;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.hdc.Hypervector;
import io.driftline.drift.config.DriftProperties;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every incident event its group. All incident events of the fleet pass through one task
 * (the topology repartitions them onto a single partition), which keeps the open incidents in the
 * {@link DriftTopology#COHORT_STORE} store by incident id. A newly opened incident joins the group
 * of the most similar open incident of another device, if their domain signatures are at least
 * {@code cohorting.similarity} alike and they opened within {@code cohorting.span} of each other;
 * otherwise it starts its own group (its id is the group id). Later events of the incident carry
 * the same group; the entry is dropped when the incident ends. Forwards the stamped events keyed by
 * device id.
 */
final class CohortProcessor implements Processor<String, DriftIncident, String, DriftIncident> {

  private static final Logger log = LoggerFactory.getLogger(CohortProcessor.class);

  private final double similarity;
  private final Duration span;
  private @Nullable ProcessorContext<String, DriftIncident> context;
  private @Nullable KeyValueStore<String, DriftIncident> store;

  CohortProcessor(DriftProperties.Cohorting cohorting) {
    this.similarity = cohorting.similarity();
    this.span = cohorting.span();
  }

  @Override
  public void init(ProcessorContext<String, DriftIncident> context) {
    this.context = context;
    this.store = context.getStateStore(DriftTopology.COHORT_STORE);
  }

  @Override
  public void process(Record<String, DriftIncident> record) {
    KeyValueStore<String, DriftIncident> open = Objects.requireNonNull(store);
    DriftIncident incident = record.value();
    DriftIncident known = open.get(incident.incidentId());
    String groupId;
    if (known != null) {
      groupId = Objects.requireNonNull(known.groupId());
    } else if (incident.state() == DriftIncident.State.OPEN) {
      groupId = chooseGroup(open, incident);
    } else {
      groupId = incident.groupId() != null ? incident.groupId() : incident.incidentId();
    }
    DriftIncident stamped = withGroup(incident, groupId);
    switch (incident.state()) {
      case OPEN, ADAPTING -> open.put(incident.incidentId(), known == null ? stamped : known);
      default -> open.delete(incident.incidentId());
    }
    Objects.requireNonNull(context).forward(new Record<>(incident.deviceId(), stamped,
        record.timestamp(), new RecordHeaders()));
  }

  private String chooseGroup(KeyValueStore<String, DriftIncident> open, DriftIncident incident) {
    Hypervector signature = incident.domainSignature();
    if (signature == null) {
      return incident.incidentId();
    }
    String best = null;
    double bestSimilarity = similarity;
    try (KeyValueIterator<String, DriftIncident> all = open.all()) {
      while (all.hasNext()) {
        KeyValue<String, DriftIncident> entry = all.next();
        DriftIncident other = entry.value;
        Hypervector otherSignature = other.domainSignature();
        if (other.deviceId().equals(incident.deviceId()) || otherSignature == null
            || otherSignature.dimension() != signature.dimension()
            || Duration.between(other.openedAt(), incident.openedAt()).abs().compareTo(span) > 0) {
          continue;
        }
        double s = signature.hammingSimilarity(otherSignature);
        if (s >= bestSimilarity) {
          bestSimilarity = s;
          best = other.groupId();
        }
      }
    }
    if (best == null) {
      return incident.incidentId();
    }
    log.info("incident joins group device={} incident={} group={} similarity={}", incident.deviceId(),
        incident.incidentId(), best, bestSimilarity);
    return best;
  }

  private static DriftIncident withGroup(DriftIncident i, String groupId) {
    return new DriftIncident(i.incidentId(), i.deviceId(), i.state(), i.detector(), i.statistic(),
        i.statisticValue(), i.openedAt(), i.changedAt(), i.firstWindowSeq(), i.lastWindowSeq(),
        i.domainSignature(), groupId);
  }
}
