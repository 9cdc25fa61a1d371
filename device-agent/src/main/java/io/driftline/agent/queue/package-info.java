/** Delivery to Kafka with an idempotent producer and a bounded on-disk queue, with counted drops. */
@NullMarked
package io.driftline.agent.queue;

import org.jspecify.annotations.NullMarked;
