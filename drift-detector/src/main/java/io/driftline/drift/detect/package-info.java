/**
 * Sequential change detectors over per-window statistics: Page-Hinkley, ADWIN and the two-sample
 * Kolmogorov-Smirnov test that confirms a detection. Plain Java, no Kafka.
 */
@NullMarked
package io.driftline.drift.detect;

import org.jspecify.annotations.NullMarked;
