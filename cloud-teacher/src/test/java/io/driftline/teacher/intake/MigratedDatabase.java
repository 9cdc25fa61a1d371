package io.driftline.teacher.intake;

import io.driftline.testsupport.TestDatabase;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** A test database with the teacher's migrations applied, for store tests without a Spring context. */
final class MigratedDatabase {

  final DataSource dataSource;
  final JdbcTemplate jdbc;
  final TransactionTemplate transactions;

  private MigratedDatabase(DataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /** Migrates the database as the application does (schema {@code teacher}) and connects to it. */
  static MigratedDatabase of(TestDatabase database) {
    Flyway.configure().dataSource(database.jdbcUrl(), database.user(), database.password())
        .schemas("teacher").defaultSchema("teacher").createSchemas(true).load().migrate();
    String url = database.jdbcUrl() + (database.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=teacher";
    return new MigratedDatabase(new SingleConnectionDataSource(url, database.user(), database.password(), true));
  }
}
