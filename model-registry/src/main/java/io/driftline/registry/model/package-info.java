/** The registry's domain: value types of models, versions, artefacts, devices and rollouts, and its errors. */
@NullMarked
package io.driftline.registry.model;

import org.jspecify.annotations.NullMarked;
