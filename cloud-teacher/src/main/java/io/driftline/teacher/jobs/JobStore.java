package io.driftline.teacher.jobs;

import io.driftline.teacher.intake.KeysetCursor;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The jobs in PostgreSQL (schema {@code teacher}). Every write that a worker makes names the worker
 * ({@code owner}); once a job has been taken over (its worker was presumed dead) the old worker's
 * writes match no row and it learns it has lost the job ({@link JobLostException}).
 */
@Repository
public class JobStore {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final String JOB_COLUMNS = "job_id, cohort_key, trigger, retry_of, state, attempt, lead_device, owner,"
      + " created_at, updated_at, started_at, finished_at, reason, summary::text as summary";

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Clock clock;

  /** Creates the store. */
  public JobStore(JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * Adds an incident to its cohort's queued job, or queues a new job for it. Idempotent: an
   * incident already in a job returns that job.
   *
   * @return the job and whether it was created by this call
   */
  public Enqueued enqueue(String cohortKey, JobIncident incident) {
    for (int attempt = 0; ; attempt++) {
      try {
        Enqueued result = tx.execute(status -> enqueueOnce(cohortKey, incident));
        if (result == null) {
          throw new IllegalStateException("enqueue returned nothing");
        }
        return result;
      } catch (DuplicateKeyException race) {
        // another thread queued a job for the cohort at the same moment: join it
        if (attempt >= 3) {
          throw race;
        }
      }
    }
  }

  private Enqueued enqueueOnce(String cohortKey, JobIncident incident) {
    Optional<String> existing = jdbc.sql("select job_id from job_incidents where incident_id = ? order by added_at desc limit 1")
        .param(incident.incidentId()).query(String.class).optional();
    if (existing.isPresent()) {
      return new Enqueued(find(existing.get()).orElseThrow(), false);
    }
    Optional<String> queued = jdbc.sql("select job_id from jobs where cohort_key = ? and state = 'QUEUED' for update")
        .param(cohortKey).query(String.class).optional();
    boolean created = queued.isEmpty();
    String jobId = queued.orElseGet(() -> insertJob(cohortKey, Job.Trigger.INCIDENT, null, incident.deviceId()));
    addIncident(jobId, incident);
    return new Enqueued(find(jobId).orElseThrow(), created);
  }

  /**
   * Queues a job for the given incidents (a manual trigger or a retry), in one transaction.
   *
   * @param retryOf the job retried, or null
   */
  public Job create(Job.Trigger trigger, @Nullable String retryOf, List<JobIncident> incidents) {
    if (incidents.isEmpty()) {
      throw new IllegalArgumentException("a job needs at least one incident or device");
    }
    String jobId = tx.execute(status -> {
      String id = insertJob("manual-" + UUID.randomUUID(), trigger, retryOf, incidents.get(0).deviceId());
      incidents.forEach(i -> addIncident(id, i));
      return id;
    });
    return find(jobId).orElseThrow();
  }

  private String insertJob(String cohortKey, Job.Trigger trigger, @Nullable String retryOf, String leadDevice) {
    String jobId = "job-" + UUID.randomUUID();
    Timestamp now = Timestamp.from(clock.instant());
    jdbc.sql("insert into jobs (job_id, cohort_key, trigger, retry_of, state, lead_device, created_at, updated_at)"
            + " values (?, ?, ?, ?, 'QUEUED', ?, ?, ?)")
        .params(jobId, cohortKey, trigger.name(), retryOf, leadDevice, now, now).update();
    jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, 'QUEUED', ?, ?)")
        .params(jobId, now, "queued (" + trigger.name().toLowerCase() + (retryOf == null ? "" : ", retry of " + retryOf) + ")")
        .update();
    return jobId;
  }

  private void addIncident(String jobId, JobIncident i) {
    jdbc.sql("insert into job_incidents (job_id, incident_id, device_id, first_window_seq, added_at)"
            + " values (?, ?, ?, ?, ?) on conflict do nothing")
        .params(jobId, i.incidentId(), i.deviceId(), i.firstWindowSeq(), Timestamp.from(i.addedAt())).update();
  }

  /** The job, if it exists. */
  public Optional<Job> find(String jobId) {
    return jdbc.sql("select " + JOB_COLUMNS + " from jobs where job_id = ?").param(jobId).query(JobStore::job).optional();
  }

  /**
   * Queued jobs in the order the pool should consider them: jobs whose lead device has been served
   * least come first (fair share), then the oldest.
   */
  public List<Job> queuedInFairOrder(int limit) {
    return jdbc.sql("select " + JOB_COLUMNS + " from jobs j left join device_service s on s.device_id = j.lead_device"
            + " where j.state = 'QUEUED' order by coalesce(s.jobs_served, 0), j.created_at, j.job_id limit ?")
        .param(limit).query(JobStore::job).list();
  }

  /** How many jobs wait in the queue. */
  public long queuedCount() {
    return jdbc.sql("select count(*) from jobs where state = 'QUEUED'").query(Long.class).single();
  }

  /**
   * Takes a queued job for a worker: it enters {@code LABELLING} and its attempt count goes up.
   *
   * @return the job, or empty if another worker took it first
   */
  public Optional<Job> claim(String jobId, String owner) {
    Timestamp now = Timestamp.from(clock.instant());
    Boolean claimed = tx.execute(status -> {
      int rows = jdbc.sql("update jobs set state = 'LABELLING', owner = ?, heartbeat_at = ?, updated_at = ?,"
              + " started_at = coalesce(started_at, ?), attempt = attempt + 1 where job_id = ? and state = 'QUEUED'")
          .params(owner, now, now, now, jobId).update();
      if (rows == 1) {
        int attempt = jdbc.sql("select attempt from jobs where job_id = ?").param(jobId).query(Integer.class).single();
        jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, 'LABELLING', ?, ?)")
            .params(jobId, now, "run " + attempt + " started").update();
      }
      return rows == 1;
    });
    return Boolean.TRUE.equals(claimed) ? find(jobId) : Optional.empty();
  }

  /** Moves a running job to another running state and records why. */
  public void enter(String jobId, String owner, JobState state, String message) {
    Timestamp now = Timestamp.from(clock.instant());
    tx.executeWithoutResult(status -> {
      int rows = jdbc.sql("update jobs set state = ?, heartbeat_at = ?, updated_at = ? where job_id = ? and owner = ?")
          .params(state.name(), now, now, jobId, owner).update();
      if (rows == 0) {
        throw new JobLostException(jobId);
      }
      jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, ?, ?, ?)")
          .params(jobId, state.name(), now, message).update();
    });
  }

  /** Records progress within the current state (and refreshes the heartbeat). */
  public void note(String jobId, String owner, String message) {
    Timestamp now = Timestamp.from(clock.instant());
    tx.executeWithoutResult(status -> {
      String state = jdbc.sql("update jobs set heartbeat_at = ? where job_id = ? and owner = ? returning state")
          .params(now, jobId, owner).query(String.class).optional().orElseThrow(() -> new JobLostException(jobId));
      jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, ?, ?, ?)")
          .params(jobId, state, now, message).update();
    });
  }

  /** Records, in the history of every job that holds the incident, what happened to it. */
  public void recordIncident(String incidentId, String message) {
    Timestamp now = Timestamp.from(clock.instant());
    jdbc.sql("insert into job_transitions (job_id, state, at, message)"
            + " select j.job_id, j.state, ?, ? from jobs j join job_incidents i on i.job_id = j.job_id where i.incident_id = ?")
        .params(now, message, incidentId).update();
  }

  /** Refreshes a running job's heartbeat; false if the worker no longer owns it. */
  public boolean heartbeat(String jobId, String owner) {
    return jdbc.sql("update jobs set heartbeat_at = ? where job_id = ? and owner = ?")
        .params(Timestamp.from(clock.instant()), jobId, owner).update() == 1;
  }

  /** Stores the figures of the current run. */
  public void saveSummary(String jobId, String owner, Map<String, Object> summary) {
    int rows = jdbc.sql("update jobs set summary = ?::jsonb, updated_at = ? where job_id = ? and owner = ?")
        .params(JSON.writeValueAsString(summary), Timestamp.from(clock.instant()), jobId, owner).update();
    if (rows == 0) {
      throw new JobLostException(jobId);
    }
  }

  /** Ends a job: published, rejected or failed; counts it for its devices' fair share. */
  public void finish(String jobId, String owner, JobState state, String reason) {
    if (!state.terminal()) {
      throw new IllegalArgumentException(state + " does not end a job");
    }
    Timestamp now = Timestamp.from(clock.instant());
    tx.executeWithoutResult(status -> {
      int rows = jdbc.sql("update jobs set state = ?, owner = null, finished_at = ?, updated_at = ?, reason = ?"
              + " where job_id = ? and owner = ?")
          .params(state.name(), now, now, reason, jobId, owner).update();
      if (rows == 0) {
        throw new JobLostException(jobId);
      }
      jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, ?, ?, ?)")
          .params(jobId, state.name(), now, reason).update();
      jdbc.sql("insert into device_service (device_id, jobs_served, last_served_at)"
              + " select distinct device_id, 1, ?::timestamptz from job_incidents where job_id = ?"
              + " on conflict (device_id) do update set jobs_served = device_service.jobs_served + 1,"
              + " last_served_at = excluded.last_served_at")
          .params(now, jobId).update();
    });
  }

  /** Gives a running job back to the queue (its run stopped on a failure worth retrying). */
  public void requeue(String jobId, String owner, String message) {
    Timestamp now = Timestamp.from(clock.instant());
    tx.executeWithoutResult(status -> {
      String cohort = jdbc.sql("select cohort_key from jobs where job_id = ? and owner = ? for update")
          .params(jobId, owner).query(String.class).optional().orElseThrow(() -> new JobLostException(jobId));
      int rows = jdbc.sql("update jobs set state = 'QUEUED', owner = null, heartbeat_at = null, updated_at = ?,"
              + " cohort_key = ? where job_id = ?")
          .params(now, queuedKey(cohort, jobId), jobId).update();
      if (rows == 1) {
        jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, 'QUEUED', ?, ?)")
            .params(jobId, now, message).update();
      }
    });
  }

  /** The cohort key a job can be queued under: its own, unless the cohort already has a queued job. */
  private String queuedKey(String cohortKey, String jobId) {
    boolean taken = jdbc.sql("select count(*) from jobs where cohort_key = ? and state = 'QUEUED' and job_id <> ?")
        .params(cohortKey, jobId).query(Long.class).single() > 0;
    return taken ? cohortKey + "#" + jobId : cohortKey;
  }

  /** Fails a queued job that cannot start (for example: too few samples in time). */
  public boolean failQueued(String jobId, String reason) {
    Timestamp now = Timestamp.from(clock.instant());
    Boolean done = tx.execute(status -> {
      int rows = jdbc.sql("update jobs set state = 'FAILED', finished_at = ?, updated_at = ?, reason = ?"
              + " where job_id = ? and state = 'QUEUED'")
          .params(now, now, reason, jobId).update();
      if (rows == 1) {
        jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, 'FAILED', ?, ?)")
            .params(jobId, now, reason).update();
      }
      return rows == 1;
    });
    return Boolean.TRUE.equals(done);
  }

  /**
   * Gives running jobs whose heartbeat is older than {@code staleBefore} back to the queue (their
   * worker died), or fails them once they have had {@code maxAttempts} runs.
   *
   * @return the ids of the jobs requeued or failed
   */
  public List<String> recoverStale(Instant staleBefore, int maxAttempts) {
    Timestamp now = Timestamp.from(clock.instant());
    List<String> recovered = new ArrayList<>();
    tx.executeWithoutResult(status -> {
      List<Map<String, Object>> stale = jdbc.sql("select job_id, attempt, cohort_key from jobs"
              + " where state in ('LABELLING', 'TRAINING', 'GATING') and (heartbeat_at is null or heartbeat_at < ?)"
              + " for update skip locked")
          .param(Timestamp.from(staleBefore)).query().listOfRows();
      for (Map<String, Object> row : stale) {
        String jobId = (String) row.get("job_id");
        int attempt = ((Number) row.get("attempt")).intValue();
        if (attempt >= maxAttempts) {
          jdbc.sql("update jobs set state = 'FAILED', owner = null, finished_at = ?, updated_at = ?, reason = ? where job_id = ?")
              .params(now, now, "its worker stopped during run " + attempt + " of " + maxAttempts, jobId).update();
          jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, 'FAILED', ?, ?)")
              .params(jobId, now, "its worker stopped during run " + attempt + "; no runs left").update();
        } else {
          String key = queuedKey((String) row.get("cohort_key"), jobId);
          jdbc.sql("update jobs set state = 'QUEUED', owner = null, heartbeat_at = null, updated_at = ?, cohort_key = ? where job_id = ?")
              .params(now, key, jobId).update();
          jdbc.sql("insert into job_transitions (job_id, state, at, message) values (?, 'QUEUED', ?, ?)")
              .params(jobId, now, "requeued: its worker stopped during run " + attempt).update();
        }
        recovered.add(jobId);
      }
    });
    return recovered;
  }

  /** The incidents of a job, in the order they joined. */
  public List<JobIncident> incidents(String jobId) {
    return jdbc.sql("select incident_id, device_id, first_window_seq, added_at from job_incidents where job_id = ?"
            + " order by added_at, incident_id")
        .param(jobId)
        .query((rs, n) -> new JobIncident(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant()))
        .list();
  }

  /**
   * A domain an earlier job published: its cohort and the samples it trained and gated on.
   *
   * @param jobId the earlier job
   * @param cohortKey its cohort (the domain's name)
   * @param sampleIds its samples
   */
  public record PublishedDomain(String jobId, String cohortKey, List<String> sampleIds) {}

  /**
   * The domains of the newest published jobs that rolled a bundle of {@code student} out to any of
   * {@code devices}, newest first, other than {@code exceptJobId}'s.
   */
  public List<PublishedDomain> publishedDomains(String student, Collection<String> devices, String exceptJobId, int limit) {
    if (limit <= 0 || devices.isEmpty()) {
      return List.of();
    }
    List<Map<String, Object>> rows = jdbc.sql("select j.job_id, j.cohort_key from jobs j where j.state = 'PUBLISHED'"
            + " and j.job_id <> ? and exists (select 1 from job_variants v where v.job_id = j.job_id"
            + " and v.status = 'ROLLED_OUT' and v.student = ? and v.devices && cast(? as text[]))"
            + " order by j.finished_at desc, j.job_id limit ?")
        .params(exceptJobId, student, devices.toArray(String[]::new), limit).query().listOfRows();
    List<PublishedDomain> out = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      String jobId = (String) row.get("job_id");
      List<String> ids = jdbc.sql("select sample_id from job_samples where job_id = ? order by sample_id")
          .param(jobId).query(String.class).list();
      out.add(new PublishedDomain(jobId, (String) row.get("cohort_key"), ids));
    }
    return out;
  }

  /** Replaces the samples recorded for a job's current run. */
  public void saveSamples(String jobId, List<JobSample> samples) {
    tx.executeWithoutResult(status -> {
      jdbc.sql("delete from job_samples where job_id = ?").param(jobId).update();
      for (JobSample s : samples) {
        jdbc.sql("insert into job_samples (job_id, sample_id, device_id, role, label, confidence) values (?, ?, ?, ?, ?, ?)")
            .params(jobId, s.sampleId(), s.deviceId(), s.role(), s.label(), s.confidence()).update();
      }
    });
  }

  /** The samples of a job's last run. */
  public List<JobSample> samples(String jobId) {
    return jdbc.sql("select sample_id, device_id, role, label, confidence from job_samples where job_id = ? order by sample_id")
        .param(jobId)
        .query((rs, n) -> new JobSample(rs.getString(1), rs.getString(2), rs.getString(3),
            (Integer) rs.getObject(4), rs.getObject(5) == null ? null : rs.getFloat(5)))
        .list();
  }

  /** The history of a job, oldest first. */
  public List<JobTransition> transitions(String jobId) {
    return jdbc.sql("select state, at, message from job_transitions where job_id = ? order by seq")
        .param(jobId)
        .query((rs, n) -> new JobTransition(JobState.valueOf(rs.getString(1)), rs.getTimestamp(2).toInstant(), rs.getString(3)))
        .list();
  }

  /** Inserts or updates a variant (the key is the job and the variant). */
  public void saveVariant(String jobId, JobVariant v) {
    jdbc.sql("insert into job_variants (job_id, variant, student, precision, max_bytes, max_macs, devices, status,"
            + " bundle_model, bundle_version, digest, bytes, rollout_id, gate)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
            + " on conflict (job_id, variant) do update set student = excluded.student, precision = excluded.precision,"
            + " max_bytes = excluded.max_bytes, max_macs = excluded.max_macs, devices = excluded.devices,"
            + " status = excluded.status, bundle_model = excluded.bundle_model, bundle_version = excluded.bundle_version,"
            + " digest = excluded.digest, bytes = excluded.bytes, rollout_id = excluded.rollout_id, gate = excluded.gate")
        .params(jobId, v.variant(), v.student(), v.precision(), v.maxBytes(), v.maxMacs(),
            v.devices().toArray(String[]::new), v.status(), v.bundleModel(), v.bundleVersion(), v.digest(), v.bytes(),
            v.rolloutId(), JSON.writeValueAsString(v.gate()))
        .update();
  }

  /** The variants of a job, by key. */
  public List<JobVariant> variants(String jobId) {
    return jdbc.sql("select variant, student, precision, max_bytes, max_macs, devices, status, bundle_model,"
            + " bundle_version, digest, bytes, rollout_id, gate::text from job_variants where job_id = ? order by variant")
        .param(jobId)
        .query((rs, n) -> new JobVariant(rs.getString(1), rs.getString(2), rs.getString(3),
            (Long) rs.getObject(4), (Long) rs.getObject(5), strings(rs.getArray(6)), rs.getString(7), rs.getString(8),
            (Long) rs.getObject(9), rs.getString(10), (Long) rs.getObject(11), rs.getString(12),
            JSON.readValue(rs.getString(13), MAP)))
        .list();
  }

  /**
   * A page of jobs, newest first.
   *
   * @param state only jobs in this state, or null for all
   * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first
   * @throws IllegalArgumentException if the cursor is not one this store issued
   */
  public Page page(@Nullable JobState state, @Nullable String cursor, int limit) {
    KeysetCursor before = cursor == null ? null : KeysetCursor.decode(cursor);
    StringBuilder sql = new StringBuilder("select " + JOB_COLUMNS + " from jobs where ");
    List<Object> params = new ArrayList<>();
    if (cursor != null) {
      sql.append("(created_at, job_id) < (?, ?) and ");
      params.add(Timestamp.from(before.at()));
      params.add(before.id());
    }
    if (state != null) {
      sql.append("state = ? and ");
      params.add(state.name());
    }
    sql.append("true order by created_at desc, job_id desc limit ?");
    params.add(limit + 1);
    List<Job> rows = jdbc.sql(sql.toString()).params(params).query(JobStore::job).list();
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      Job last = rows.get(limit - 1);
      next = new KeysetCursor(last.createdAt(), last.jobId()).encode();
    }
    return new Page(List.copyOf(rows), next);
  }

  /** The ids of the jobs, newest first, that hold an incident. */
  public List<String> jobsOfIncident(String incidentId) {
    return jdbc.sql("select j.job_id from jobs j join job_incidents i on i.job_id = j.job_id where i.incident_id = ?"
            + " order by j.created_at desc").param(incidentId).query(String.class).list();
  }

  private static List<String> strings(Array array) throws SQLException {
    return List.of((String[]) array.getArray());
  }

  private static Job job(ResultSet rs, int row) throws SQLException {
    Timestamp started = rs.getTimestamp("started_at");
    Timestamp finished = rs.getTimestamp("finished_at");
    Map<String, Object> summary = new LinkedHashMap<>(JSON.readValue(rs.getString("summary"), MAP));
    return new Job(rs.getString("job_id"), rs.getString("cohort_key"), Job.Trigger.valueOf(rs.getString("trigger")),
        rs.getString("retry_of"), JobState.valueOf(rs.getString("state")), rs.getInt("attempt"),
        rs.getString("lead_device"), rs.getString("owner"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(), started == null ? null : started.toInstant(),
        finished == null ? null : finished.toInstant(), rs.getString("reason"), summary);
  }

  /**
   * The result of {@link #enqueue}.
   *
   * @param job the job the incident is in
   * @param created whether this call created the job
   */
  public record Enqueued(Job job, boolean created) {}

  /**
   * A page of jobs.
   *
   * @param items the jobs
   * @param nextCursor pass as {@code cursor} for the next page; null on the last page
   */
  public record Page(List<Job> items, @Nullable String nextCursor) {}
}
