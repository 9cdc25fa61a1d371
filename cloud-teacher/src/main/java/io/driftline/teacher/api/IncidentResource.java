package io.driftline.teacher.api;

import io.driftline.core.events.DriftIncident;
import io.driftline.teacher.intake.IncidentStore;
import io.driftline.teacher.jobs.JobStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Drift incidents as the teacher knows them (latest state of each), for the console; read only. */
@RestController
@RequestMapping("/api/v1/incidents")
class IncidentResource {

  private final IncidentStore incidents;
  private final JobStore jobs;

  IncidentResource(IncidentStore incidents, JobStore jobs) {
    this.incidents = incidents;
    this.jobs = jobs;
  }

  @GetMapping
  Map<String, Object> list(@RequestParam(required = false) @Nullable String state,
      @RequestParam(required = false) @Nullable String deviceId,
      @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be 1..500, got " + limit);
    }
    DriftIncident.State filter = null;
    if (state != null && !state.isBlank()) {
      try {
        filter = DriftIncident.State.valueOf(state.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown state '" + state + "'; one of "
            + List.of(DriftIncident.State.values()));
      }
    }
    IncidentStore.Page page;
    try {
      page = incidents.page(filter, deviceId == null || deviceId.isBlank() ? null : deviceId, cursor, limit);
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", page.items().stream().map(this::view).toList());
    out.put("nextCursor", page.nextCursor());
    return out;
  }

  private Map<String, Object> view(DriftIncident i) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("incidentId", i.incidentId());
    v.put("deviceId", i.deviceId());
    v.put("groupId", i.groupId());
    v.put("state", i.state());
    v.put("detector", i.detector());
    v.put("statistic", i.statistic());
    v.put("statisticValue", i.statisticValue());
    v.put("openedAt", i.openedAt());
    v.put("changedAt", i.changedAt());
    v.put("firstWindowSeq", i.firstWindowSeq());
    v.put("lastWindowSeq", i.lastWindowSeq());
    v.put("domainSignatureBits", i.domainSignature() == null ? null : i.domainSignature().dimension());
    v.put("jobIds", jobs.jobsOfIncident(i.incidentId()));
    return v;
  }
}
