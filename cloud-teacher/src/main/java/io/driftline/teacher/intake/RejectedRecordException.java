package io.driftline.teacher.intake;

/**
 * Thrown for a record that was read but cannot be accepted (a sample over the pixel limit, a key
 * that is not the device id, a tombstone); its message becomes the dead-letter reason. Never retried.
 */
public final class RejectedRecordException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with the one-line reason. */
  public RejectedRecordException(String reason) {
    super(reason);
  }
}
