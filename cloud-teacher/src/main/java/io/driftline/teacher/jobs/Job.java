package io.driftline.teacher.jobs;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One adaptation job as stored.
 *
 * @param jobId {@code job-<uuid>}
 * @param cohortKey the drift-incident group the job adapts (or {@code manual-<uuid>})
 * @param trigger what created it
 * @param retryOf the job this one retries, or null
 * @param state where it is
 * @param attempt how many runs have started (a run that crashed counts)
 * @param leadDevice the device whose incident created the job
 * @param owner the worker running it, or null
 * @param createdAt when it was queued
 * @param updatedAt its last change
 * @param startedAt when its first run started, or null
 * @param finishedAt when it ended, or null
 * @param reason why it was rejected or failed, or the gate's summary when published
 * @param summary figures of the last run: samples, labels, timings (JSON object)
 */
public record Job(
    String jobId,
    String cohortKey,
    Trigger trigger,
    @Nullable String retryOf,
    JobState state,
    int attempt,
    String leadDevice,
    @Nullable String owner,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    @Nullable String reason,
    Map<String, Object> summary) {

  /** What created a job. */
  public enum Trigger {
    /** A drift incident opened. */
    INCIDENT,
    /** An operator asked for it over the REST API. */
    MANUAL,
    /** An operator retried an ended job. */
    RETRY
  }
}
