package io.driftline.registry.model;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A registered model: a named line of versions of one kind.
 *
 * @param name unique name
 * @param kind {@code student}, {@code teacher} or {@code bundle}
 * @param description free text
 * @param tags free key/value tags
 * @param aliases alias to version number (e.g. {@code production -> 3})
 * @param latestVersion highest version number, 0 if none
 * @param createdAt when it was registered
 * @param updatedAt when it last changed (tags, versions, aliases)
 */
public record RegisteredModel(
    String name,
    String kind,
    @Nullable String description,
    Map<String, String> tags,
    Map<String, Integer> aliases,
    int latestVersion,
    Instant createdAt,
    Instant updatedAt) {}
