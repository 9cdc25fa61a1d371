/**
 * Seeded, specified pseudo-randomness shared by the packages whose output must replay bit for bit
 * from a stored seed (corruptions, scenario streams, HDC projections and tie-breaks).
 */
@NullMarked
package io.driftline.core.random;

import org.jspecify.annotations.NullMarked;
