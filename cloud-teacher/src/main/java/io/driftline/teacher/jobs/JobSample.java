package io.driftline.teacher.jobs;

import org.jspecify.annotations.Nullable;

/**
 * A sample a job used.
 *
 * @param sampleId the {@code DeviceSample} event id
 * @param deviceId the device that uploaded it
 * @param role {@code TRAIN} or {@code HELD_OUT} (kept for the gate)
 * @param label the teacher's class, or null if the label policy dropped the sample
 * @param confidence the teacher's confidence in that class, or null
 */
public record JobSample(
    String sampleId, String deviceId, String role, @Nullable Integer label, @Nullable Float confidence) {}
