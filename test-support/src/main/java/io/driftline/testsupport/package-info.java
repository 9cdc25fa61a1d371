/**
 * Real infrastructure for tests: a Kafka broker and fresh PostgreSQL databases, taken from the
 * environment, from Testcontainers where Docker runs, or from the embedded broker and the local server.
 */
@NullMarked
package io.driftline.testsupport;

import org.jspecify.annotations.NullMarked;
