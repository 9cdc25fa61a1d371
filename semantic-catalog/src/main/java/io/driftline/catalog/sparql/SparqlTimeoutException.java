package io.driftline.catalog.sparql;

import java.time.Duration;

/** A SPARQL query that ran longer than the endpoint's timeout and was cancelled. */
public class SparqlTimeoutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /** Creates the exception for a query cancelled after {@code timeout}. */
  public SparqlTimeoutException(Duration timeout, Throwable cause) {
    super("the query ran longer than " + timeout.toMillis() + " ms and was cancelled; "
        + "narrow its patterns or add a LIMIT", cause);
    this.timeout = timeout;
  }

  /** The timeout that was exceeded. */
  public Duration timeout() {
    return timeout;
  }
}
