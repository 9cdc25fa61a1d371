/**
 * Trains imported ONNX classifiers with DJL autograd (optionally with corruption augmentation) and
 * measures their clean and corrupted accuracy through ONNX Runtime, the path devices use.
 */
@NullMarked
package io.driftline.teacher.train;

import org.jspecify.annotations.NullMarked;
