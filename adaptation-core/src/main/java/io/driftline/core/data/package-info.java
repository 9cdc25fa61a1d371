/** Labelled image sets: IDX files, class-per-folder image sets, and locating Fashion-MNIST. */
@NullMarked
package io.driftline.core.data;

import org.jspecify.annotations.NullMarked;
