package io.driftline.core.bundle;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a bundle is and where it came from.
 *
 * @param bundleId stable id of the bundle (non-blank)
 * @param version monotonic version (non-negative); a device never installs a lower version than the
 *     one it runs
 * @param studentModelId id of the student model the bundle was made for (non-blank)
 * @param studentDigest digest of that student's ONNX file (non-blank), so a bundle is never applied
 *     to another student's features
 * @param createdAt creation time
 * @param lineage free key/value provenance (data, teacher version, hyper-parameters, metrics, code
 *     version); kept sorted by key so the encoding is deterministic
 */
public record BundleMetadata(
    String bundleId,
    long version,
    String studentModelId,
    String studentDigest,
    Instant createdAt,
    Map<String, String> lineage) {

  /** Checks the fields and takes a sorted, unmodifiable copy of the lineage. */
  public BundleMetadata {
    requireNonBlank("bundleId", bundleId);
    requireNonBlank("studentModelId", studentModelId);
    requireNonBlank("studentDigest", studentDigest);
    if (version < 0) {
      throw new IllegalArgumentException("bundle version must be >= 0, got " + version);
    }
    lineage = Collections.unmodifiableMap(new TreeMap<>(lineage));
  }

  private static void requireNonBlank(String field, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("bundle metadata field " + field + " must not be blank");
    }
  }
}
