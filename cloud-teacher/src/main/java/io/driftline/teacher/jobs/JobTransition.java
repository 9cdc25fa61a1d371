package io.driftline.teacher.jobs;

import java.time.Instant;

/**
 * One step in a job's history: a state it entered, or progress within a state.
 *
 * @param state the state at that moment
 * @param at when
 * @param message what happened
 */
public record JobTransition(JobState state, Instant at, String message) {}
