/** Whole-system tests of Driftline on real infrastructure (a real Kafka broker). */
@NullMarked
package io.driftline.e2e;

import org.jspecify.annotations.NullMarked;
