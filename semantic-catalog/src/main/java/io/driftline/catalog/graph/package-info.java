/** The persistent TDB2 dataset and the one mapping from registry descriptions (JSON) to RDF. */
@NullMarked
package io.driftline.catalog.graph;

import org.jspecify.annotations.NullMarked;
