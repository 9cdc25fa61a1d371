package io.driftline.teacher.jobs;

import io.driftline.teacher.config.TeacherProperties;
import io.driftline.teacher.fleet.FleetCallException;
import io.driftline.teacher.intake.SampleStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The bounded worker pool. {@code workers} threads take queued jobs in fair order (jobs of the
 * devices served least first, then the oldest), each once it is ready: no incident has joined it for
 * {@code settle}, and it has {@code min-samples} samples, or {@code collect-for} has passed and it
 * has at least 2. While a job runs, its worker
 * refreshes the job's heartbeat; a job whose heartbeat is older than {@code stale-after} (its
 * worker or the whole service died) goes back to the queue and is run again, up to
 * {@code max-attempts} runs. Registry or catalog outages put the job back in the queue too.
 *
 * <p>Metrics: {@code driftline.teacher.jobs.queued} (queue depth), {@code .running},
 * {@code driftline.teacher.jobs.finished{state}} and {@code driftline.teacher.jobs.duration{state}}.
 */
@Component
public class JobScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
  /**
   * How long a run stopped by a registry or catalog outage waits, times its attempt number, before
   * it gives its job back to the queue (20 s, then 40 s): requeued at once, the next runs met the
   * same outage within a second and the job failed after {@code max-attempts} runs while a
   * restarting registry was still coming up.
   */
  static final Duration OUTAGE_BACKOFF = Duration.ofSeconds(20);

  private final JobStore jobs;
  private final JobRunner runner;
  private final SampleStore samples;
  private final IntakeBackPressure backPressure;
  private final TeacherProperties.Jobs settings;
  private final Clock clock;
  private final MeterRegistry meters;
  private final String instance = "teacher-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong running = new AtomicLong();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ExecutorService workers;
  private final ScheduledExecutorService housekeeping;

  /** Creates the pool; workers start when the application is ready. */
  public JobScheduler(JobStore jobs, JobRunner runner, SampleStore samples, IntakeBackPressure backPressure,
      TeacherProperties properties, Clock clock, MeterRegistry meters) {
    this.jobs = jobs;
    this.runner = runner;
    this.samples = samples;
    this.backPressure = backPressure;
    this.settings = properties.jobs();
    this.clock = clock;
    this.meters = meters;
    if (settings.workers() < 1 || settings.maxQueued() < 1 || settings.minSamples() < 2 || settings.maxAttempts() < 1) {
      throw new IllegalArgumentException("driftline.teacher.jobs needs workers >= 1, max-queued >= 1, min-samples >= 2 and"
          + " max-attempts >= 1, got " + settings);
    }
    this.workers = Executors.newFixedThreadPool(settings.workers(), r -> {
      Thread t = new Thread(r, "teacher-worker");
      t.setDaemon(true);
      return t;
    });
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "teacher-jobs-housekeeping");
      t.setDaemon(true);
      return t;
    });
    Gauge.builder("driftline.teacher.jobs.queued", queued, AtomicLong::get)
        .description("adaptation jobs waiting in the queue").register(meters);
    Gauge.builder("driftline.teacher.jobs.running", running, AtomicLong::get)
        .description("adaptation jobs being run").register(meters);
  }

  /** This instance's worker id prefix (jobs it runs name it as owner). */
  public String instance() {
    return instance;
  }

  /** The queue depth as last measured. */
  public long queueDepth() {
    return queued.get();
  }

  /** Starts the workers and the housekeeping (stale-job recovery, queue depth). */
  @EventListener(ApplicationReadyEvent.class)
  public void start() {
    long poll = Math.max(10, settings.poll().toMillis());
    housekeeping.scheduleWithFixedDelay(this::housekeep, 0, poll, TimeUnit.MILLISECONDS);
    for (int i = 0; i < settings.workers(); i++) {
      String owner = instance + "-w" + i;
      workers.submit(() -> workLoop(owner));
    }
    LOG.info("job pool started: instance={} workers={} maxQueued={}", instance, settings.workers(), settings.maxQueued());
  }

  private void housekeep() {
    try {
      Instant staleBefore = clock.instant().minus(settings.staleAfter());
      List<String> recovered = jobs.recoverStale(staleBefore, settings.maxAttempts());
      if (!recovered.isEmpty()) {
        LOG.warn("recovered {} job(s) whose worker stopped: {}", recovered.size(), recovered);
        recovered.forEach(id -> jobs.find(id).filter(j -> j.state() == JobState.FAILED).ifPresent(j -> endFailedIncidents(id)));
      }
      long depth = jobs.queuedCount();
      queued.set(depth);
      backPressure.check(depth);
    } catch (RuntimeException e) {
      LOG.warn("job housekeeping failed: {}", e.toString());
    }
  }

  private void workLoop(String owner) {
    while (!stopping.get()) {
      try {
        Optional<Job> job = nextReadyJob(owner);
        if (job.isEmpty()) {
          Thread.sleep(Math.max(10, settings.poll().toMillis()));
          continue;
        }
        runClaimed(job.get(), owner);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("worker {} failed outside a job: {}", owner, e.toString(), e);
        sleepQuietly(settings.poll());
      }
    }
  }

  private Optional<Job> nextReadyJob(String owner) {
    Instant now = clock.instant();
    for (Job candidate : jobs.queuedInFairOrder(50)) {
      List<JobIncident> members = jobs.incidents(candidate.jobId());
      Instant lastJoined = members.stream().map(JobIncident::addedAt).max(Instant::compareTo).orElse(candidate.createdAt());
      if (Duration.between(lastJoined, now).compareTo(settings.settle()) < 0) {
        continue; // the rest of the cohort may still be on its way
      }
      long available = members.stream().mapToLong(i -> samples.countForDevice(i.deviceId(), i.firstWindowSeq())).sum();
      boolean waitedEnough = Duration.between(candidate.createdAt(), now).compareTo(settings.collectFor()) >= 0;
      if (available >= settings.minSamples() || (waitedEnough && available >= 2)) {
        Optional<Job> claimed = jobs.claim(candidate.jobId(), owner);
        if (claimed.isPresent()) {
          return claimed;
        }
      } else if (waitedEnough && Duration.between(candidate.createdAt(), now).compareTo(settings.collectFor().multipliedBy(10)) > 0) {
        String reason = "only " + available + " sample(s) arrived within " + settings.collectFor().multipliedBy(10)
            + "; a job needs at least 2";
        if (jobs.failQueued(candidate.jobId(), reason)) {
          LOG.warn("job {} failed: {}", candidate.jobId(), reason);
          endFailedIncidents(candidate.jobId());
        }
      }
    }
    return Optional.empty();
  }

  private void runClaimed(Job job, String owner) {
    running.incrementAndGet();
    long start = System.nanoTime();
    ScheduledHeartbeat heartbeat = new ScheduledHeartbeat(job.jobId(), owner);
    JobState ended = null;
    try {
      LOG.info("job {} run {} started by {} (cohort {})", job.jobId(), job.attempt(), owner, job.cohortKey());
      JobRunner.Outcome outcome = runner.run(job, owner);
      jobs.finish(job.jobId(), owner, outcome.state(), outcome.reason());
      ended = outcome.state();
      if (outcome.state() != JobState.PUBLISHED) {
        endFailedIncidents(job.jobId());
      }
      LOG.info("job {} {}: {}", job.jobId(), outcome.state(), outcome.reason());
    } catch (JobLostException e) {
      LOG.warn("{}", e.getMessage());
    } catch (FleetCallException e) {
      ended = retryOrFail(job, owner, e.getMessage(), e.transientFailure());
    } catch (RuntimeException e) {
      LOG.error("job {} failed: {}", job.jobId(), e.toString(), e);
      ended = retryOrFail(job, owner, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
    } finally {
      heartbeat.stop();
      running.decrementAndGet();
      if (ended != null) {
        Counter.builder("driftline.teacher.jobs.finished").tag("state", ended.name()).register(meters).increment();
        Timer.builder("driftline.teacher.jobs.duration").tag("state", ended.name()).register(meters)
            .record(Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  private JobState retryOrFail(Job job, String owner, String reason, boolean transientFailure) {
    Optional<Job> current = jobs.find(job.jobId());
    int attempt = current.map(Job::attempt).orElse(job.attempt());
    if (transientFailure && attempt < settings.maxAttempts()) {
      Duration backoff = OUTAGE_BACKOFF.multipliedBy(attempt);
      jobs.note(job.jobId(), owner, "run " + attempt + " stopped: " + reason + "; will retry in " + backoff.toSeconds()
          + " s");
      // the heartbeat still runs, so the job stays this worker's while it waits out the outage
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // give it back to the queue: the next run resumes from what this one recorded
      jobs.requeue(job.jobId(), owner, "requeued after: " + reason);
      return JobState.QUEUED;
    }
    jobs.finish(job.jobId(), owner, JobState.FAILED, reason);
    endFailedIncidents(job.jobId());
    LOG.warn("job {} FAILED: {}", job.jobId(), reason);
    return JobState.FAILED;
  }

  private void endFailedIncidents(String jobId) {
    try {
      runner.announceFailed(jobId);
    } catch (RuntimeException e) {
      LOG.warn("could not announce FAILED for the incidents of job {}: {}", jobId, e.toString());
    }
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(Math.max(10, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops taking jobs; running ones are abandoned to the stale-job recovery of the next start. */
  @PreDestroy
  public void stop() {
    stopping.set(true);
    housekeeping.shutdownNow();
    workers.shutdownNow();
  }

  /** Refreshes a running job's heartbeat at a quarter of the stale time. */
  private final class ScheduledHeartbeat {
    private final java.util.concurrent.ScheduledFuture<?> task;

    ScheduledHeartbeat(String jobId, String owner) {
      long every = Math.max(50, settings.staleAfter().toMillis() / 4);
      task = housekeeping.scheduleAtFixedRate(() -> {
        try {
          jobs.heartbeat(jobId, owner);
        } catch (RuntimeException e) {
          LOG.warn("heartbeat of job {} failed: {}", jobId, e.toString());
        }
      }, every, every, TimeUnit.MILLISECONDS);
    }

    void stop() {
      task.cancel(false);
    }
  }
}
