/** Follows the registry.events topic: idempotent application of registry events and a rebuild from the start of the topic. */
@NullMarked
package io.driftline.catalog.sync;

import org.jspecify.annotations.NullMarked;
