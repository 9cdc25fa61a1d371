/** PostgreSQL source of truth for models, versions, artefacts, devices and desired state. */
@NullMarked
package io.driftline.registry;

import org.jspecify.annotations.NullMarked;
