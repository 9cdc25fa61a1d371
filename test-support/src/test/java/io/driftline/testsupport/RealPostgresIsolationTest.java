package io.driftline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Two test classes each create the same table; sharing a database would make the second fail. */
class RealPostgresIsolationTest {

  @Nested
  @RealPostgres
  class First {
    @Test
    void startsEmptyAndWrites(TestDatabase database) throws Exception {
      assertStartsEmptyThenWrite(database);
    }
  }

  @Nested
  @RealPostgres
  class Second {
    @Test
    void startsEmptyAndWrites(TestDatabase database) throws Exception {
      assertStartsEmptyThenWrite(database);
    }
  }

  private static void assertStartsEmptyThenWrite(TestDatabase database) throws SQLException {
    try (Connection c = database.connect()) {
      try (ResultSet rs = c.createStatement().executeQuery(
          "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("tables in a fresh database").isZero();
      }
      c.createStatement().execute("CREATE TABLE marker (id int)");
    }
  }
}
