package io.driftline.catalog.api;

import io.driftline.catalog.graph.DescriptionException;
import io.driftline.catalog.shapes.ShapeViolationException;
import io.driftline.catalog.sparql.SparqlRejectedException;
import io.driftline.catalog.sparql.SparqlTimeoutException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns the catalog's exceptions into RFC 9457 problem+json answers that say what to fix. */
@RestControllerAdvice
class CatalogProblems {

  private static final String TYPE_BASE = "https://driftline.io/problems/";

  @ExceptionHandler(ShapeViolationException.class)
  ProblemDetail shapeViolation(ShapeViolationException e) {
    ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_ENTITY, "shacl-violation",
        "Description does not conform to the catalog shapes", e.getMessage());
    problem.setProperty("violations", e.violations());
    problem.setProperty("shaclReport", e.reportTurtle());
    return problem;
  }

  @ExceptionHandler(DescriptionException.class)
  ProblemDetail badDescription(DescriptionException e) {
    return problem(HttpStatus.UNPROCESSABLE_ENTITY, "bad-description", "Description cannot be read", e.getMessage());
  }

  @ExceptionHandler(SparqlRejectedException.class)
  ProblemDetail sparqlRejected(SparqlRejectedException e) {
    return problem(HttpStatus.BAD_REQUEST, "sparql-rejected", "SPARQL request rejected", e.getMessage());
  }

  @ExceptionHandler(SparqlTimeoutException.class)
  ProblemDetail sparqlTimeout(SparqlTimeoutException e) {
    ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "sparql-timeout", "SPARQL query timed out",
        e.getMessage());
    problem.setProperty("timeoutMillis", e.timeout().toMillis());
    return problem;
  }

  @ExceptionHandler(NotInCatalogException.class)
  ProblemDetail notFound(NotInCatalogException e) {
    return problem(HttpStatus.NOT_FOUND, "not-in-catalog", "Not in the catalog", e.getMessage());
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail badRequest(IllegalArgumentException e) {
    return problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage());
  }

  private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(TYPE_BASE + type));
    problem.setTitle(title);
    return problem;
  }
}
