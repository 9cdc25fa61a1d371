/** The per-frame path (prompt, ONNX student, HDC-routed adaptor, uncertainty, OOD) over an immutable snapshot that updates swap atomically. */
@NullMarked
package io.driftline.agent.pipeline;

import org.jspecify.annotations.NullMarked;
