package io.driftline.teacher.intake;

import io.driftline.core.events.DriftIncident;
import org.jspecify.annotations.Nullable;

/**
 * A change {@link IncidentStore#apply} made to a stored incident.
 *
 * @param incident the incident as now stored (its group id is the incident id when the event had none)
 * @param previousState the state before the change, or null when the incident was first seen; equal
 *     to {@code incident.state()} when only {@code lastWindowSeq} moved on
 */
public record IncidentChange(DriftIncident incident, DriftIncident.@Nullable State previousState) {

  /** Tells whether the incident entered a new state (or was first seen), not just progressed. */
  public boolean stateChanged() {
    return previousState != incident.state();
  }
}
