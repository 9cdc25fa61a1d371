package io.driftline.core.events;

/**
 * Names one version of an adaptation bundle (visual prompt + adaptors) in the model registry.
 *
 * @param bundleId the registry's bundle id
 * @param version the bundle version, starting at 1 and increasing; devices never go backwards
 */
public record BundleRef(String bundleId, long version) {

  /** Checks that the id is a non-blank printable id and the version is at least 1. */
  public BundleRef {
    Checks.id(bundleId, "bundleId");
    if (version < 1) {
      throw new IllegalArgumentException("bundle version must be >= 1, got " + version);
    }
  }
}
