/**
 * Fault tests: a whole Driftline fleet (a restartable Kafka broker, the four services as child
 * JVMs, real device agents) through a broker restart, a registry outage during a rollout, a teacher
 * crash, a drift-detector restart, a PostgreSQL restart and a device offline for a while, each
 * followed by the same checks (no desired state lost, every sample accounted for, every incident
 * ended, no duplicate bundle, every device converged).
 */
@NullMarked
package io.driftline.e2e.fault;

import org.jspecify.annotations.NullMarked;
