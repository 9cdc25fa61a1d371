/** Enrolment, the pinned registry key, desired-state watching, bundle verification and the on-disk active and last-known-good bundles. */
@NullMarked
package io.driftline.agent.update;

import org.jspecify.annotations.NullMarked;
