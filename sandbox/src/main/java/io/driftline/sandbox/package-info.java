/** The one-command local fleet: embedded Kafka, PostgreSQL, all services, simulated devices. */
@NullMarked
package io.driftline.sandbox;

import org.jspecify.annotations.NullMarked;
