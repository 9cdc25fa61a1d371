/** Knowledge graph of devices and models: SHACL, SPARQL, matchmaking. */
@NullMarked
package io.driftline.catalog;

import org.jspecify.annotations.NullMarked;
