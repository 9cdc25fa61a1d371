/**
 * The reference architectures (student-nano, student-small, teacher) as ONNX graphs built in Java,
 * with the student output contract of {@link io.driftline.core.model.StudentModel}, and their
 * size and cost figures.
 */
@NullMarked
package io.driftline.teacher.onnx;

import org.jspecify.annotations.NullMarked;
