/**
 * Imports ONNX graphs into DJL (PyTorch engine, offline) so they can be trained with autograd, and
 * writes the trained weights back into the ONNX initializers: one model definition, one export path.
 */
@NullMarked
package io.driftline.teacher.djl;

import org.jspecify.annotations.NullMarked;
