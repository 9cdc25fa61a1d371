package io.driftline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresTestServerTest {

  @Test
  void localServerGivesAWorkingDatabaseThatCloseDrops() throws Exception {
    PostgresTestServer server = PostgresTestServer.start(Map.of(), false);
    assertThat(server.source()).isEqualTo(InfrastructureSource.LOCAL);

    TestDatabase database = server.createDatabase("LocalPath Test");
    assertThat(database.name()).startsWith("dl_localpath_test_");
    assertStoresRows(database);
    assertThat(exists(server, database.name())).isTrue();

    database.close();
    assertThat(exists(server, database.name())).isFalse();
  }

  @Test
  void environmentUrlWinsOverDockerAndKeepsItsParameters() throws Exception {
    Map<String, String> env = Map.of(
        PostgresTestServer.ENV_JDBC_URL, "jdbc:postgresql://127.0.0.1:5432/test?ApplicationName=wiring",
        PostgresTestServer.ENV_JDBC_USER, "postgres");
    PostgresTestServer server = PostgresTestServer.start(env, true);
    assertThat(server.source()).isEqualTo(InfrastructureSource.ENVIRONMENT);

    try (TestDatabase database = server.createDatabase("env")) {
      assertThat(database.jdbcUrl())
          .isEqualTo("jdbc:postgresql://127.0.0.1:5432/" + database.name() + "?ApplicationName=wiring");
      assertStoresRows(database);
    }
  }

  @Test
  void urlThatIsNotPostgresIsRejectedNamingTheVariable() {
    assertThatThrownBy(() -> PostgresTestServer.withDatabase("jdbc:mysql://h/db", "x"))
        .hasMessageContaining(PostgresTestServer.ENV_JDBC_URL)
        .hasMessageContaining("jdbc:mysql://h/db");
  }

  @Test
  void databaseNameIsReplacedWithOrWithoutPath() {
    assertThat(PostgresTestServer.withDatabase("jdbc:postgresql://h:1/a", "b")).isEqualTo("jdbc:postgresql://h:1/b");
    assertThat(PostgresTestServer.withDatabase("jdbc:postgresql://h:1", "b")).isEqualTo("jdbc:postgresql://h:1/b");
    assertThat(PostgresTestServer.withDatabase("jdbc:postgresql://h/a?ssl=true", "b"))
        .isEqualTo("jdbc:postgresql://h/b?ssl=true");
  }

  static void assertStoresRows(TestDatabase database) throws SQLException {
    try (Connection c = database.connect()) {
      c.createStatement().execute("CREATE TABLE wiring (id int primary key, note text)");
      c.createStatement().execute("INSERT INTO wiring VALUES (1, 'real')");
      try (ResultSet rs = c.createStatement().executeQuery("SELECT note FROM wiring WHERE id = 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("real");
      }
    }
  }

  private static boolean exists(PostgresTestServer server, String name) throws SQLException {
    try (Connection admin = server.connectAdmin();
        var statement = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next();
      }
    }
  }
}
