/** Spring configuration of the catalog: properties, the dataset bean, Kafka wiring. */
@NullMarked
package io.driftline.catalog.config;

import org.jspecify.annotations.NullMarked;
