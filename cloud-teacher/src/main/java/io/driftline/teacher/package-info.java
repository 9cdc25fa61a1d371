/** Cloud teacher: pseudo-labelling, prompt and adaptor learning, quantization, the no-regression gate. */
@NullMarked
package io.driftline.teacher;

import org.jspecify.annotations.NullMarked;
