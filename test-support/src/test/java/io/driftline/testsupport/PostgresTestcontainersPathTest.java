package io.driftline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

@Testcontainers(disabledWithoutDocker = true)
class PostgresTestcontainersPathTest {

  @Test
  void containerServerGivesAWorkingDatabase() throws Exception {
    try (PostgresTestServer server = PostgresTestServer.start(InfrastructureSource.TESTCONTAINERS);
        TestDatabase database = server.createDatabase("container")) {
      assertThat(database.source()).isEqualTo(InfrastructureSource.TESTCONTAINERS);
      PostgresTestServerTest.assertStoresRows(database);
    }
  }
}
