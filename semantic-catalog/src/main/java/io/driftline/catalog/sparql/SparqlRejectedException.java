package io.driftline.catalog.sparql;

/** A SPARQL request the endpoint will not run (not a query, an update, a forbidden feature, a bad parameter). */
public class SparqlRejectedException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says what is wrong and what to do. */
  public SparqlRejectedException(String message) {
    super(message);
  }
}
