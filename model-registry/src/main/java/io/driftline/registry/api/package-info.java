/** The REST API: small resources per entity, problem+json errors, cursor pagination. */
@NullMarked
package io.driftline.registry.api;

import org.jspecify.annotations.NullMarked;
