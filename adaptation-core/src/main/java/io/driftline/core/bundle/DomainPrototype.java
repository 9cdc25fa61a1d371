package io.driftline.core.bundle;

import io.driftline.core.hdc.Hypervector;

/**
 * A known domain without an adaptor of its own: its frames stay on the student's head, but the
 * device can still recognise the domain when it returns.
 *
 * @param domainId non-blank id of the domain
 * @param prototype HDC prototype of the domain's frames
 */
public record DomainPrototype(String domainId, Hypervector prototype) {

  /** Checks the domain id. */
  public DomainPrototype {
    if (domainId.isBlank()) {
      throw new IllegalArgumentException("domain id of an extra prototype must not be blank");
    }
  }
}
