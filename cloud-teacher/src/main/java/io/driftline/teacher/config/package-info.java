/** The service's settings and Spring wiring. */
@NullMarked
package io.driftline.teacher.config;

import org.jspecify.annotations.NullMarked;
