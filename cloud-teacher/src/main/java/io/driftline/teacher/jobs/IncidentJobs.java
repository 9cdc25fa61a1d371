package io.driftline.teacher.jobs;

import io.driftline.core.events.DriftIncident;
import io.driftline.teacher.intake.IncidentChange;
import io.driftline.teacher.intake.IncidentListener;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns incidents into jobs: a newly opened incident joins the queued job of its cohort (its
 * incident group) or queues a new one; later changes (recovered, failed) are written into the
 * history of the jobs that hold the incident, so a job shows how its bundle did in the field.
 */
@Component
public class IncidentJobs implements IncidentListener {

  private static final Logger LOG = LoggerFactory.getLogger(IncidentJobs.class);

  private final JobStore jobs;
  private final IntakeBackPressure backPressure;
  private final Clock clock;

  /** Creates the listener. */
  public IncidentJobs(JobStore jobs, IntakeBackPressure backPressure, Clock clock) {
    this.jobs = jobs;
    this.backPressure = backPressure;
    this.clock = clock;
  }

  @Override
  public void onIncident(IncidentChange change) {
    DriftIncident incident = change.incident();
    if (incident.state() == DriftIncident.State.OPEN) {
      if (change.previousState() != null) {
        return;
      }
      String cohort = incident.groupId() == null ? incident.incidentId() : incident.groupId();
      JobStore.Enqueued enqueued = jobs.enqueue(cohort, new JobIncident(incident.incidentId(), incident.deviceId(),
          incident.firstWindowSeq(), clock.instant()));
      LOG.info("incident {} device={} cohort={} -> {} job {}", incident.incidentId(), incident.deviceId(), cohort,
          enqueued.created() ? "new" : "queued", enqueued.job().jobId());
      backPressure.check();
    } else if (change.previousState() != incident.state()) {
      jobs.recordIncident(incident.incidentId(), "incident " + incident.incidentId() + " of " + incident.deviceId()
          + " is " + incident.state());
    }
  }
}
