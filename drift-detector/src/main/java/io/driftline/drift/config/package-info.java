/** Configuration of the drift detector: its properties record and the Kafka Streams wiring. */
@NullMarked
package io.driftline.drift.config;

import org.jspecify.annotations.NullMarked;
