/** The scale run's smoke test and benchmark: light simulated devices against the real services. */
@NullMarked
package io.driftline.e2e.scale;

import org.jspecify.annotations.NullMarked;
