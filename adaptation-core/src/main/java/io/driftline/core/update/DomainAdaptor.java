package io.driftline.core.update;

import io.driftline.core.hdc.Hypervector;

/**
 * An adaptor together with the domain it was trained for, identified by an id and an HDC prototype
 * of that domain's frames.
 *
 * @param domainId stable, non-blank id of the domain (not {@value DomainRouter#STUDENT_ROUTE}, which
 *     names the fallback route)
 * @param prototype the domain's hypervector prototype that frames are compared with
 * @param adaptor the adaptor used for frames routed to this domain
 */
public record DomainAdaptor(String domainId, Hypervector prototype, Adaptor adaptor) {

  /** Checks the domain id. */
  public DomainAdaptor {
    if (domainId.isBlank()) {
      throw new IllegalArgumentException("domain id must not be blank");
    }
    if (domainId.equals(DomainRouter.STUDENT_ROUTE)) {
      throw new IllegalArgumentException(
          "domain id '" + DomainRouter.STUDENT_ROUTE
              + "' is reserved for the student's own head; choose another id");
    }
  }
}
