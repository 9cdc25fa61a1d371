/**
 * Pseudo-labels: the teacher's soft labels and confidence for uploaded frames, with configurable
 * confidence filtering or weighting.
 */
@NullMarked
package io.driftline.teacher.label;

import org.jspecify.annotations.NullMarked;
