/** SHACL validation of device and model descriptions against the published shapes. */
@NullMarked
package io.driftline.catalog.shapes;

import org.jspecify.annotations.NullMarked;
