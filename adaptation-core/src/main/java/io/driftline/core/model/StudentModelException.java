package io.driftline.core.model;

/** Signals that a student model could not be loaded or run; the message names the model source. */
public class StudentModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what was wrong and what to do. */
  public StudentModelException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause. */
  public StudentModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
