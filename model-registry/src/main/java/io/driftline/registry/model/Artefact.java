package io.driftline.registry.model;

import java.time.Instant;
import java.util.Map;

/**
 * A stored artefact, addressed by the SHA-256 of its bytes.
 *
 * @param digest 64 lower-case hex digits
 * @param sizeBytes size
 * @param mediaType {@code application/onnx}, {@code application/vnd.driftline.bundle} or
 *     {@code application/octet-stream}
 * @param details what validation learnt (student input shape and outputs, bundle metadata, signer)
 * @param createdAt when it was first stored
 */
public record Artefact(
    String digest, long sizeBytes, String mediaType, Map<String, Object> details, Instant createdAt) {}
