package io.driftline.catalog.sparql;

import org.jspecify.annotations.Nullable;

/**
 * The serialized result of one query.
 *
 * @param mediaType {@value #RESULTS_JSON} for SELECT and ASK, {@value #TURTLE} for CONSTRUCT and DESCRIBE
 * @param body the serialized result
 * @param limitApplied the LIMIT the endpoint imposed, or null if the query's own limit was kept
 */
public record SparqlResult(String mediaType, byte[] body, @Nullable Integer limitApplied) {

  /** SPARQL 1.1 Query Results JSON. */
  public static final String RESULTS_JSON = "application/sparql-results+json";

  /** Turtle. */
  public static final String TURTLE = "text/turtle";
}
