/** REST resources of the catalog and their problem+json errors. */
@NullMarked
package io.driftline.catalog.api;

import org.jspecify.annotations.NullMarked;
