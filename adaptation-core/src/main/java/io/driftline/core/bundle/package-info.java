/**
 * Update bundles: the signed, versioned binary container that carries a visual prompt and domain
 * adaptors from the cloud to devices, and the Ed25519 key helpers that sign and verify it.
 */
@NullMarked
package io.driftline.core.bundle;

import org.jspecify.annotations.NullMarked;
