/**
 * The Kafka Streams topology: validation with dead-lettering, the per-device monitor on a
 * persistent state store, and the cohort step that groups incidents across devices.
 */
@NullMarked
package io.driftline.drift.stream;

import org.jspecify.annotations.NullMarked;
