/** Bearer-token authentication (admin roles and device tokens) and the Ed25519 signing key. */
@NullMarked
package io.driftline.registry.security;

import org.jspecify.annotations.NullMarked;
