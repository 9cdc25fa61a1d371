/**
 * Intake: the teacher's Kafka consumers of {@code device.samples} and {@code drift.incidents}, and
 * the PostgreSQL stores they write ({@link io.driftline.teacher.intake.SampleStore},
 * {@link io.driftline.teacher.intake.IncidentStore}). Poison records go to the topic's dead-letter
 * topic with a reason; redelivered records change nothing.
 */
@NullMarked
package io.driftline.teacher.intake;

import org.jspecify.annotations.NullMarked;
