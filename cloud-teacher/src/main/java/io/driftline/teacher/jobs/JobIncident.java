package io.driftline.teacher.jobs;

import java.time.Instant;

/**
 * A drift incident a job adapts: the device and the first telemetry window of the drift, from
 * which on its samples belong to the job.
 *
 * @param incidentId the incident
 * @param deviceId its device
 * @param firstWindowSeq the first window of the drift
 * @param addedAt when it joined the job
 */
public record JobIncident(String incidentId, String deviceId, long firstWindowSeq, Instant addedAt) {}
