package io.driftline.sandbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Finds the PostgreSQL database the sandbox's registry and teacher use, and empties their schemas
 * ({@code registry}, {@code teacher}) so every run starts fresh. In order: the configured JDBC URL
 * (used as is), else a server at 127.0.0.1:5432 with user {@code postgres} and no password, on which
 * the sandbox creates the database {@value #DATABASE} if missing. If neither answers, the message
 * says what to do.
 *
 * @param jdbcUrl the database's JDBC URL
 * @param user its user
 * @param password its password (may be empty)
 */
record Postgres(String jdbcUrl, String user, String password) {

  static final String DATABASE = "driftline_sandbox";
  static final String LOCAL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  /** Finds the database and empties the sandbox's schemas. */
  static Postgres prepare(@Nullable String configuredUrl, Progress progress) {
    Postgres db;
    if (configuredUrl != null) {
      db = new Postgres(configuredUrl, "", "");
      try (Connection c = db.connect()) {
        progress.say("PostgreSQL: using the configured database " + redact(configuredUrl));
      } catch (SQLException e) {
        throw new IllegalStateException("cannot connect to --postgres-url " + redact(configuredUrl) + ": "
            + e.getMessage());
      }
    } else {
      Postgres server = new Postgres(LOCAL_SERVER + "postgres", "postgres", "");
      try (Connection c = server.connect(); Statement s = c.createStatement()) {
        var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
        if (!rs.next()) {
          s.execute("CREATE DATABASE " + DATABASE);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("no PostgreSQL found: nothing answered at 127.0.0.1:5432 for user postgres ("
            + e.getMessage() + "). Start a local PostgreSQL server (trust auth for postgres on 127.0.0.1), or give a "
            + "database with --postgres-url jdbc:postgresql://HOST:PORT/DB?user=U&password=P");
      }
      db = new Postgres(LOCAL_SERVER + DATABASE, "postgres", "");
      progress.say("PostgreSQL: database " + DATABASE + " on the local server 127.0.0.1:5432");
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS registry CASCADE");
      s.execute("DROP SCHEMA IF EXISTS teacher CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reset the sandbox schemas in " + redact(db.jdbcUrl) + ": " + e.getMessage());
    }
    return db;
  }

  Connection connect() throws SQLException {
    Properties p = new Properties();
    if (!user.isEmpty()) {
      p.setProperty("user", user);
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /** The URL without a password parameter, for messages. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
