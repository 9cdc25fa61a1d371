package io.driftline.registry.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One move of an alias.
 *
 * @param name the model
 * @param alias the alias
 * @param version the version it now points at (null: removed)
 * @param previousVersion the version it pointed at before (null: none)
 * @param setAt when
 * @param setBy who
 */
public record AliasChange(
    String name, String alias, @Nullable Integer version, @Nullable Integer previousVersion,
    Instant setAt, String setBy) {}
