package io.driftline.catalog.graph;

import io.driftline.catalog.vocab.VersionRef;
import java.util.Set;

/**
 * The entities a committed write touched, for components that keep derived views in step.
 *
 * @param deviceIds devices whose description or state changed
 * @param versions model versions whose description changed
 */
public record CatalogChange(Set<String> deviceIds, Set<VersionRef> versions) {

  /** Copies the sets. */
  public CatalogChange {
    deviceIds = Set.copyOf(deviceIds);
    versions = Set.copyOf(versions);
  }

  /** Tells whether nothing changed. */
  public boolean isEmpty() {
    return deviceIds.isEmpty() && versions.isEmpty();
  }
}
