/** Clients of the fleet's other services: the model registry and the semantic catalog. */
@NullMarked
package io.driftline.teacher.fleet;

import org.jspecify.annotations.NullMarked;
