/** The catalog benchmark (matchmaking at fleet scale, rebuild from the event log); run on demand, not in the suite. */
@NullMarked
package io.driftline.catalog.bench;

import org.jspecify.annotations.NullMarked;
