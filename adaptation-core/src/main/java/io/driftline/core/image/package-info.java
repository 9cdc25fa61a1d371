/** Images in Driftline's one pixel space (CHW floats in [0,1]) and conversions to and from files. */
@NullMarked
package io.driftline.core.image;

import org.jspecify.annotations.NullMarked;
