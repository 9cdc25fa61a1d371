/** The transactional outbox and its publisher to Kafka (registry.events, fleet.desired-state). */
@NullMarked
package io.driftline.registry.events;

import org.jspecify.annotations.NullMarked;
