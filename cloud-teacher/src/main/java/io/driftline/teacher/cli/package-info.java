/**
 * What the teacher's command-line tools ({@code bootstrap-models}, {@code evaluate}) share: reading
 * option values and turning failures into the one-line messages they print.
 */
@NullMarked
package io.driftline.teacher.cli;

import org.jspecify.annotations.NullMarked;
