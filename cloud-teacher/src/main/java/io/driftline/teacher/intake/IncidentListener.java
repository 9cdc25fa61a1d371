package io.driftline.teacher.intake;

/**
 * Receives each change to a stored drift incident, after it was committed. Every Spring bean
 * implementing this interface is called, on the incident consumer's thread, once per change.
 */
public interface IncidentListener {

  /** The id of the listener container that consumes {@code drift.incidents} (to pause it, for example). */
  String CONTAINER_ID = "teacher-incidents";

  /**
   * Handles one committed change; an exception is logged and does not undo or repeat the change.
   */
  void onIncident(IncidentChange change);
}
