/** Agent settings: the {@code driftline.agent} properties, checked at startup with messages naming the wrong setting. */
@NullMarked
package io.driftline.agent.config;

import org.jspecify.annotations.NullMarked;
