package io.driftline.testsupport;

/** Where a test's broker or database server comes from, in order of preference. */
public enum InfrastructureSource {
  /** An address given by the environment ({@code DRIFTLINE_TEST_KAFKA}, {@code DRIFTLINE_TEST_JDBC_URL}). */
  ENVIRONMENT,
  /** A container started by Testcontainers, used when a Docker engine answers. */
  TESTCONTAINERS,
  /** The embedded KRaft broker, or the PostgreSQL server on 127.0.0.1:5432. */
  LOCAL
}
