package io.driftline.registry.model;

import org.springframework.http.HttpStatus;

/**
 * A request the registry refuses, with the HTTP status it maps to and a message that says what was
 * wrong and what to do; the API answers it as {@code application/problem+json}.
 */
public class RegistryException extends RuntimeException {

  private final HttpStatus status;

  /** Creates the exception with a status and a message fit for the caller. */
  public RegistryException(HttpStatus status, String message) {
    super(message);
    this.status = status;
  }

  /** Returns the HTTP status of the answer. */
  public HttpStatus status() {
    return status;
  }

  /** An unknown model, version, artefact, device or rollout (404). */
  public static RegistryException notFound(String message) {
    return new RegistryException(HttpStatus.NOT_FOUND, message);
  }

  /** A request that conflicts with the current state (409). */
  public static RegistryException conflict(String message) {
    return new RegistryException(HttpStatus.CONFLICT, message);
  }

  /** A malformed request (400). */
  public static RegistryException badRequest(String message) {
    return new RegistryException(HttpStatus.BAD_REQUEST, message);
  }

  /** Well-formed content the registry cannot accept, such as an invalid model file (422). */
  public static RegistryException unprocessable(String message) {
    return new RegistryException(HttpStatus.UNPROCESSABLE_CONTENT, message);
  }

  /** A caller that may not see or change this resource (403). */
  public static RegistryException forbidden(String message) {
    return new RegistryException(HttpStatus.FORBIDDEN, message);
  }
}
