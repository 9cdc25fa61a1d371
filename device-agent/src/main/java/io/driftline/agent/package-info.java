/** Device agent daemon: ONNX inference with prompt and adaptors, UGS upload, safe updates. */
@NullMarked
package io.driftline.agent;

import org.jspecify.annotations.NullMarked;
