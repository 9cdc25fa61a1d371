package io.driftline.teacher.api;

import io.driftline.core.events.DriftIncident;
import io.driftline.teacher.intake.IncidentStore;
import io.driftline.teacher.jobs.Job;
import io.driftline.teacher.jobs.JobIncident;
import io.driftline.teacher.jobs.JobSample;
import io.driftline.teacher.jobs.JobState;
import io.driftline.teacher.jobs.JobStore;
import io.driftline.teacher.jobs.JobTransition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Adaptation jobs for the console: list, details, manual trigger, retry. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobResource {

  private static final int MAX_TRIGGER_ITEMS = 1000;

  private final JobStore jobs;
  private final IncidentStore incidents;
  private final Clock clock;

  JobResource(JobStore jobs, IncidentStore incidents, Clock clock) {
    this.jobs = jobs;
    this.incidents = incidents;
    this.clock = clock;
  }

  /**
   * A manual trigger: the incidents to adapt to, or devices whose retained samples to adapt on.
   *
   * @param incidentIds known incident ids
   * @param deviceIds device ids (all their retained samples, newest first)
   */
  record Trigger(@Nullable List<String> incidentIds, @Nullable List<String> deviceIds) {}

  @GetMapping
  Map<String, Object> list(@RequestParam(required = false) @Nullable String state,
      @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int limit) {
    if (limit < 1 || limit > 500) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be 1..500, got " + limit);
    }
    JobState filter = null;
    if (state != null && !state.isBlank()) {
      try {
        filter = JobState.valueOf(state.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown state '" + state + "'; one of "
            + List.of(JobState.values()));
      }
    }
    JobStore.Page page;
    try {
      page = jobs.page(filter, cursor, limit);
    } catch (IllegalArgumentException e) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", page.items().stream().map(this::summary).toList());
    out.put("nextCursor", page.nextCursor());
    return out;
  }

  @GetMapping("/{jobId}")
  Map<String, Object> get(@PathVariable String jobId) {
    Job job = jobs.find(jobId).orElseThrow(() -> notFound(jobId));
    Map<String, Object> out = summary(job);
    List<Map<String, Object>> incidentViews = new ArrayList<>();
    for (JobIncident i : jobs.incidents(jobId)) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("incidentId", i.incidentId());
      v.put("deviceId", i.deviceId());
      v.put("firstWindowSeq", i.firstWindowSeq());
      v.put("state", incidents.find(i.incidentId()).map(DriftIncident::state).map(Enum::name).orElse(null));
      incidentViews.add(v);
    }
    out.put("incidents", incidentViews);
    List<JobSample> samples = jobs.samples(jobId);
    Map<String, Object> sampleView = new LinkedHashMap<>();
    sampleView.put("count", samples.size());
    sampleView.put("train", samples.stream().filter(s -> s.role().equals("TRAIN")).count());
    sampleView.put("heldOut", samples.stream().filter(s -> s.role().equals("HELD_OUT")).count());
    Map<String, Long> perDevice = new TreeMap<>();
    samples.forEach(s -> perDevice.merge(s.deviceId(), 1L, Long::sum));
    sampleView.put("perDevice", perDevice);
    sampleView.put("items", samples);
    out.put("samples", sampleView);
    out.put("labels", job.summary().getOrDefault("labels", Map.of()));
    out.put("carriedDomains", job.summary().getOrDefault("carriedDomains", Map.of()));
    out.put("variants", jobs.variants(jobId));
    List<JobTransition> history = jobs.transitions(jobId);
    out.put("timings", timings(history, job));
    out.put("history", history);
    return out;
  }

  @PostMapping
  ResponseEntity<Map<String, Object>> trigger(@RequestBody Trigger trigger) {
    List<String> incidentIds = trigger.incidentIds() == null ? List.of() : trigger.incidentIds();
    List<String> deviceIds = trigger.deviceIds() == null ? List.of() : trigger.deviceIds();
    if (incidentIds.isEmpty() == deviceIds.isEmpty()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "give either incidentIds or deviceIds (one non-empty list)");
    }
    if (incidentIds.size() + deviceIds.size() > MAX_TRIGGER_ITEMS) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "at most " + MAX_TRIGGER_ITEMS + " incidents or devices per job");
    }
    Instant now = clock.instant();
    List<JobIncident> members = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String id : new LinkedHashSet<>(incidentIds)) {
      Optional<DriftIncident> incident = id == null ? Optional.empty() : incidents.find(id);
      incident.ifPresentOrElse(
          i -> members.add(new JobIncident(i.incidentId(), i.deviceId(), i.firstWindowSeq(), now)), () -> unknown.add(id));
    }
    if (!unknown.isEmpty()) {
      throw new ResponseStatusException(HttpStatus.UNPROCESSABLE_CONTENT, "unknown incident(s): " + unknown);
    }
    String batch = UUID.randomUUID().toString().substring(0, 8);
    for (String device : new LinkedHashSet<>(deviceIds)) {
      if (device == null || device.isBlank() || device.length() > 200) {
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "device ids must be 1-200 characters");
      }
      // a device trigger is a pseudo-incident covering every retained sample of the device
      members.add(new JobIncident("manual-" + batch + "-" + device, device, 0, now));
    }
    Job job = jobs.create(Job.Trigger.MANUAL, null, members);
    return ResponseEntity.status(HttpStatus.CREATED).body(summary(job));
  }

  @PostMapping("/{jobId}/retry")
  ResponseEntity<Map<String, Object>> retry(@PathVariable String jobId) {
    Job job = jobs.find(jobId).orElseThrow(() -> notFound(jobId));
    if (!job.state().terminal()) {
      throw new ResponseStatusException(HttpStatus.CONFLICT, "job " + jobId + " is " + job.state()
          + "; only a published, rejected or failed job can be retried");
    }
    Instant now = clock.instant();
    List<JobIncident> members = jobs.incidents(jobId).stream()
        .map(i -> new JobIncident(i.incidentId(), i.deviceId(), i.firstWindowSeq(), now)).toList();
    Job retry = jobs.create(Job.Trigger.RETRY, jobId, members);
    return ResponseEntity.status(HttpStatus.CREATED).body(summary(retry));
  }

  private Map<String, Object> summary(Job job) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("jobId", job.jobId());
    out.put("cohort", job.cohortKey());
    out.put("trigger", job.trigger());
    out.put("retryOf", job.retryOf());
    out.put("state", job.state());
    out.put("attempt", job.attempt());
    out.put("leadDevice", job.leadDevice());
    out.put("createdAt", job.createdAt());
    out.put("startedAt", job.startedAt());
    out.put("finishedAt", job.finishedAt());
    out.put("reason", job.reason());
    out.put("devices", job.summary().getOrDefault("devices", List.of()));
    out.put("sampleCount", job.summary().getOrDefault("samples", 0));
    return out;
  }

  /** Seconds spent in each state (summed over runs), from the history. */
  private Map<String, Double> timings(List<JobTransition> history, Job job) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (int i = 0; i < history.size(); i++) {
      JobTransition t = history.get(i);
      if (t.state().terminal()) {
        continue;
      }
      Instant end = i + 1 < history.size() ? history.get(i + 1).at() : (job.state().terminal() ? t.at() : clock.instant());
      seconds.merge(t.state().name(), Duration.between(t.at(), end).toNanos() / 1e9, Double::sum);
    }
    if (job.finishedAt() != null) {
      seconds.put("total", Duration.between(job.createdAt(), job.finishedAt()).toNanos() / 1e9);
    }
    return seconds;
  }

  private static ResponseStatusException notFound(String jobId) {
    return new ResponseStatusException(HttpStatus.NOT_FOUND, "no job " + jobId);
  }
}
