package io.driftline.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.driftline.core.events.DesiredState;
import io.driftline.core.events.DriftIncident;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The checks every fault scenario ends with, on the real services' APIs, databases and topics:
 * no desired state lost, every sample processed or dropped by the device's documented policy and
 * counted, every incident ended, no duplicate bundle, every device converged.
 */
final class FleetInvariants {

  private static final Set<DriftIncident.State> ENDED =
      EnumSet.of(DriftIncident.State.RECOVERED, DriftIncident.State.FAILED, DriftIncident.State.CLOSED);

  private final FaultFleet fleet;

  FleetInvariants(FaultFleet fleet) {
    this.fleet = fleet;
  }

  /** Each device's desired generation in the registry now (0 for none): what a fault must not lose. */
  Map<String, Long> desiredGenerations() throws Exception {
    Map<String, Long> out = new HashMap<>();
    fleet.fleetView().forEach((id, entry) -> out.put(id, entry.path("desiredGeneration").asLong(0)));
    return out;
  }

  /**
   * All five checks, each waiting at most {@code bound} for the fleet to settle.
   *
   * @param before {@link #desiredGenerations()} taken before the fault
   * @param droppingDevice a device whose queue bound must have dropped samples in this scenario, or null
   */
  void assertAll(String scenario, Map<String, Long> before, @Nullable FaultDevice droppingDevice, Duration bound)
      throws Exception {
    System.out.println("fault test: " + scenario + ": checking the fleet");
    incidentsEnded(scenario, bound);
    devicesConverged(scenario, bound);
    desiredStateKept(scenario, before);
    noDuplicateBundle(scenario);
    samplesAccountedFor(scenario, droppingDevice, bound);
    System.out.println("fault test: " + scenario + ": the fleet is whole again");
  }

  /** Every incident on drift.incidents has reached RECOVERED, FAILED or CLOSED. */
  void incidentsEnded(String scenario, Duration bound) {
    await(scenario + ": every incident ended").atMost(bound).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(fleet.latestIncidents().values()).allSatisfy(i -> assertThat(i.state())
            .as("incident %s of %s", i.incidentId(), i.deviceId()).isIn(ENDED)));
  }

  /**
   * The detector's rule, one open incident per device and domain: in the order of
   * {@code drift.incidents}, no incident of a device opens while another of its incidents in the
   * same domain (domain signatures at least {@code domain-similarity}, 0.9, alike) is still open. A
   * restarted detector that lost its state would open a second one.
   */
  void oneOpenIncidentPerDeviceAndDomain(String scenario) {
    Map<String, Map<String, DriftIncident>> open = new HashMap<>();
    for (var r : fleet.readAll(io.driftline.core.events.Topics.DRIFT_INCIDENTS,
        new io.driftline.core.events.EventDeserializer<>(DriftIncident.class))) {
      DriftIncident i = r.value();
      if (i == null) {
        continue;
      }
      Map<String, DriftIncident> mine = open.computeIfAbsent(i.deviceId(), k -> new java.util.LinkedHashMap<>());
      if (ENDED.contains(i.state())) {
        mine.remove(i.incidentId());
      } else if (!mine.containsKey(i.incidentId())) {
        for (DriftIncident other : mine.values()) {
          assertThat(sameDomain(other, i)).as("%s: %s opened while %s of device %s in the same domain was open",
              scenario, i.incidentId(), other.incidentId(), i.deviceId()).isFalse();
        }
        mine.put(i.incidentId(), i);
      }
    }
  }

  private static boolean sameDomain(DriftIncident a, DriftIncident b) {
    if (a.domainSignature() == null || b.domainSignature() == null) {
      return a.domainSignature() == null && b.domainSignature() == null;
    }
    return a.domainSignature().hammingSimilarity(b.domainSignature()) >= 0.9;
  }

  /**
   * Every device with a desired state runs it and reports it: the registry's reported bundle equals
   * the desired one, and so does the bundle the device's pipeline runs.
   */
  void devicesConverged(String scenario, Duration bound) {
    await(scenario + ": every device converged").atMost(bound).pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions().untilAsserted(() -> {
          Map<String, JsonNode> view = fleet.fleetView();
          for (FaultDevice d : fleet.devices) {
            JsonNode entry = view.get(d.id());
            String desired = entry.path("desiredBundle").isString() ? entry.get("desiredBundle").asString() : null;
            String reported = entry.path("reportedBundle").isString() ? entry.get("reportedBundle").asString() : null;
            assertThat(reported).as("%s (%s) reported vs desired", d.name, d.id()).isEqualTo(desired);
            assertThat(d.activeBundle()).as("%s (%s) runs its desired bundle", d.name, d.id()).isEqualTo(desired);
          }
        });
  }

  /**
   * No device's desired generation went back, and the compacted topic the devices read holds, for
   * every device with a desired state, the registry's current desired state.
   */
  void desiredStateKept(String scenario, Map<String, Long> before) throws Exception {
    Map<String, Long> now = desiredGenerations();
    before.forEach((id, generation) ->
        assertThat(now.get(id)).as(scenario + ": desired generation of " + id).isGreaterThanOrEqualTo(generation));
    await(scenario + ": fleet.desired-state matches the registry").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          Map<String, @Nullable DesiredState> records = fleet.desiredStateRecords();
          for (FaultDevice d : fleet.devices) {
            long generation = now.get(d.id());
            if (generation > 0) {
              DesiredState record = records.get(d.id());
              assertThat(record).as("desired-state record of " + d.id()).isNotNull();
              assertThat(record.generation()).as("generation on Kafka of " + d.id())
                  .isGreaterThanOrEqualTo(generation);
            }
          }
        });
  }

  /**
   * No two bundle versions in the registry carry the same content, and no teacher job registered
   * two versions of one bundle model (a retried or resumed job must reuse its version).
   */
  void noDuplicateBundle(String scenario) throws Exception {
    List<java.util.Map<String, Object>> sameContent = FaultFleet.query(fleet.registryDb, """
        select v.digest, count(*) as n from registry.model_version v join registry.registered_model m on m.id = v.model_id
        where m.kind = 'bundle' group by v.digest having count(*) > 1""");
    assertThat(sameContent).as(scenario + ": bundle versions with the same content").isEmpty();
    List<java.util.Map<String, Object>> sameJob = FaultFleet.query(fleet.registryDb, """
        select m.name, v.lineage->'hyperParameters'->>'jobId' as job, count(*) as n
        from registry.model_version v join registry.registered_model m on m.id = v.model_id
        where m.kind = 'bundle' and v.lineage->'hyperParameters'->>'jobId' is not null
          and v.lineage->>'rollbackOf' is null
        group by 1, 2 having count(*) > 1""");
    assertThat(sameJob).as(scenario + ": bundle versions registered twice by one job").isEmpty();
  }

  /**
   * With the frame sources held: every device's offline queue drains; every sample it uploaded was
   * delivered or dropped by the queue bound (drop oldest) and counted; only the proxied device, whose
   * queue is small, may have dropped any (the given one must have); the teacher stored exactly the
   * delivered samples. The sources go on afterwards.
   */
  void samplesAccountedFor(String scenario, @Nullable FaultDevice droppingDevice, Duration bound) throws Exception {
    fleet.devices.forEach(d -> d.source.pause(true));
    try {
      await(scenario + ": offline queues drained").atMost(bound).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> {
            for (FaultDevice d : fleet.devices) {
              assertThat(d.agent.sender().queued()).as("%s queue", d.name).isZero();
              assertThat(d.delivered() + d.dropped()).as("%s delivered + dropped = uploaded", d.name)
                  .isEqualTo(d.uploaded());
            }
          });
      for (FaultDevice d : fleet.devices) {
        if (d != fleet.proxied()) {
          assertThat(d.dropped()).as(scenario + ": " + d.name + " has room in its queue and dropped nothing").isZero();
        }
      }
      if (droppingDevice != null) {
        assertThat(droppingDevice.dropped()).as(scenario + ": " + droppingDevice.name + " dropped at its bound").isPositive();
      }
      await(scenario + ": the teacher stored every delivered sample once").atMost(bound)
          .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Long> stored = new HashMap<>();
            for (var row : FaultFleet.query(fleet.teacherDb,
                "select device_id, count(*) as n from teacher.samples group by device_id")) {
              stored.put((String) row.get("device_id"), ((Number) row.get("n")).longValue());
            }
            for (FaultDevice d : fleet.devices) {
              assertThat(stored.getOrDefault(d.id(), 0L)).as("%s samples in the teacher", d.name)
                  .isEqualTo(d.delivered());
            }
          });
    } finally {
      fleet.devices.forEach(d -> d.source.pause(false));
    }
  }
}
