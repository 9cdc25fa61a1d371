/** Configuration of the model registry: properties, beans. */
@NullMarked
package io.driftline.registry.config;

import org.jspecify.annotations.NullMarked;
