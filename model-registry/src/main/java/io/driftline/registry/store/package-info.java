/** PostgreSQL and blob-folder storage of the registry: every change writes its audit row and outbox events in the same transaction. */
@NullMarked
package io.driftline.registry.store;

import org.jspecify.annotations.NullMarked;
