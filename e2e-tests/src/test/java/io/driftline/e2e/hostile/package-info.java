/**
 * The hostile-input suite: one real fleet (model registry, semantic catalog, cloud teacher and drift
 * detector as child JVMs, a device agent's update verifier in the test JVM) attacked case by case,
 * each case checked for a clear error and an unchanged {@link io.driftline.e2e.hostile.StateFingerprint}.
 * See docs/security.md.
 */
@NullMarked
package io.driftline.e2e.hostile;

import org.jspecify.annotations.NullMarked;
