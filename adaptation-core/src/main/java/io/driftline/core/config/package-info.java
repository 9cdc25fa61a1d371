/**
 * Checks the services' {@code @ConfigurationProperties} records run in their compact constructors,
 * so that a bad {@code driftline.*} value stops a service at startup with one line naming the
 * property, the rule and the value.
 */
@NullMarked
package io.driftline.core.config;

import org.jspecify.annotations.NullMarked;
