/**
 * Hyperdimensional computing: binary hypervectors, the random-projection encoder from student
 * features, class and domain prototypes, and the out-of-distribution score.
 */
@NullMarked
package io.driftline.core.hdc;

import org.jspecify.annotations.NullMarked;
