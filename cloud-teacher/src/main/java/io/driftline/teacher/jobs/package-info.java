/**
 * Adaptation jobs: one per drift-incident cohort, persisted in PostgreSQL and run by a bounded
 * worker pool, from the cohort's uploaded samples to gated bundle variants registered and rolled
 * out through the model registry.
 */
@NullMarked
package io.driftline.teacher.jobs;

import org.jspecify.annotations.NullMarked;
