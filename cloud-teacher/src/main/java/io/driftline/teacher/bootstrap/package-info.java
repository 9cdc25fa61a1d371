/**
 * The {@code bootstrap-models} command: trains the reference student-nano, student-small and
 * teacher on a training set and writes each as ONNX plus a JSON model card.
 */
@NullMarked
package io.driftline.teacher.bootstrap;

import org.jspecify.annotations.NullMarked;
