/** The Kafka event contracts every Driftline service shares: records, topics, CloudEvents headers and serializers. */
@NullMarked
package io.driftline.core.events;

import org.jspecify.annotations.NullMarked;
