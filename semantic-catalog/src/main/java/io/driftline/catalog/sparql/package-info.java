/** The read-only SPARQL endpoint: parsed queries only, bound parameters, a timeout and a result limit. */
@NullMarked
package io.driftline.catalog.sparql;

import org.jspecify.annotations.NullMarked;
