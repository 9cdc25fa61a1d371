/** The agent's status: counters, the status file, the actuator endpoint and the status command. */
@NullMarked
package io.driftline.agent.status;

import org.jspecify.annotations.NullMarked;
