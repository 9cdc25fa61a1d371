package io.driftline.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A fresh PostgreSQL database that one test class owns; {@link #close()} drops it. */
public final class TestDatabase implements AutoCloseable {

  private final PostgresTestServer server;
  private final String name;
  private final String jdbcUrl;
  private boolean dropped;

  TestDatabase(PostgresTestServer server, String name, String jdbcUrl) {
    this.server = server;
    this.name = name;
    this.jdbcUrl = jdbcUrl;
  }

  /** The database name. */
  public String name() {
    return name;
  }

  /** JDBC URL of this database, for {@code spring.datasource.url}. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user owning the database. */
  public String user() {
    return server.user();
  }

  /** The password of {@link #user()}. */
  public String password() {
    return server.password();
  }

  /** Where the server came from. */
  public InfrastructureSource source() {
    return server.source();
  }

  /** Opens a new connection to this database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user(), password());
  }

  /** Drops the database, ending any session still open on it. */
  @Override
  public synchronized void close() {
    if (!dropped) {
      server.dropDatabase(name);
      dropped = true;
    }
  }

  @Override
  public String toString() {
    return "TestDatabase[" + name + " on " + server.source() + "]";
  }
}
