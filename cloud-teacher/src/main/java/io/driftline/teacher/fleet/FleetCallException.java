package io.driftline.teacher.fleet;

import java.io.IOException;

/**
 * A call to the registry or the catalog that failed: the service was unreachable or answered an
 * error. {@link #status()} is the HTTP status, or 0 if no answer came.
 */
public class FleetCallException extends IOException {

  private final int status;

  /** Creates the exception. */
  public FleetCallException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** Creates the exception. */
  public FleetCallException(String message, int status) {
    super(message);
    this.status = status;
  }

  /** The HTTP status, or 0 if the service did not answer. */
  public int status() {
    return status;
  }

  /** Whether trying again later may succeed: no answer, or a 5xx. */
  public boolean transientFailure() {
    return status == 0 || status >= 500;
  }
}
