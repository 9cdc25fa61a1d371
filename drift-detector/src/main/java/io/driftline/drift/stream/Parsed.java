package io.driftline.drift.stream;

import io.driftline.core.events.DriftlineEvent;
import org.jspecify.annotations.Nullable;

/**
 * A record after validation: either the event, or the original bytes with the reason they were
 * rejected.
 *
 * @param event the valid event, or null
 * @param raw the original value bytes of a rejected record (null for a rejected tombstone)
 * @param reason why the record was rejected, or null if it is valid
 */
record Parsed(@Nullable DriftlineEvent event, byte @Nullable [] raw, @Nullable String reason) {

  boolean valid() {
    return event != null;
  }
}
