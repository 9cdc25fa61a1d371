package io.driftline.registry.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One version of a registered model.
 *
 * @param name the model name
 * @param kind the model kind
 * @param version the version number, from 1
 * @param digest SHA-256 of the artefact as uploaded
 * @param sizeBytes artefact size
 * @param mediaType artefact media type
 * @param status {@code READY}, {@code REJECTED} (its gate failed; no alias may point at it) or
 *     {@code ARCHIVED}
 * @param metrics named figures (accuracy, ...)
 * @param lineage where it came from
 * @param requirements what a device needs to run it (bundles and students)
 * @param signedDigest for a promoted bundle: the artefact signed by the registry key, which devices
 *     download
 * @param signatureKeyId id of the registry key that signed {@code signedDigest}
 * @param aliases aliases pointing at this version
 * @param createdAt when it was created
 * @param createdBy who created it
 */
public record ModelVersion(
    String name,
    String kind,
    int version,
    String digest,
    long sizeBytes,
    String mediaType,
    String status,
    Map<String, Double> metrics,
    Lineage lineage,
    @Nullable Requirements requirements,
    @Nullable String signedDigest,
    @Nullable String signatureKeyId,
    List<String> aliases,
    Instant createdAt,
    String createdBy) {

  /** Returns {@code name:version}. */
  public String ref() {
    return name + ":" + version;
  }
}
