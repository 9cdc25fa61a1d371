/**
 * The admin console: the static single-page app under {@code /console/} and the proxy through
 * which it reaches the cloud teacher and the semantic catalog, so the browser talks only to the
 * registry.
 */
@NullMarked
package io.driftline.registry.console;

import org.jspecify.annotations.NullMarked;
