/** Two-way matchmaking (artefact to devices, device to students and adaptor budgets) and fleet inventory, over an in-memory capability index kept in step with the graph. */
@NullMarked
package io.driftline.catalog.match;

import org.jspecify.annotations.NullMarked;
