package io.driftline.registry.model;

import java.time.Instant;
import java.util.Map;

/**
 * One row of the audit log: who did what, when.
 *
 * @param id sequence number
 * @param at when
 * @param actor the token name or {@code device:<id>} (never a token)
 * @param action what, e.g. {@code alias.set}
 * @param entityId what it was done to
 * @param details the change
 */
public record AuditEntry(
    long id, Instant at, String actor, String action, String entityId, Map<String, Object> details) {}
