package io.driftline.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server for tests, on which each test class gets a {@link TestDatabase} of its
 * own. The shared server of a test JVM is chosen once: {@code DRIFTLINE_TEST_JDBC_URL} if set (with
 * {@code DRIFTLINE_TEST_JDBC_USER} and {@code DRIFTLINE_TEST_JDBC_PASSWORD}), otherwise a
 * Testcontainers {@link PostgreSQLContainer} when Docker runs, otherwise the server on
 * 127.0.0.1:5432.
 */
public final class PostgresTestServer implements AutoCloseable {

  /** JDBC URL of a server (any existing database on it) to create test databases on. */
  public static final String ENV_JDBC_URL = "DRIFTLINE_TEST_JDBC_URL";
  /** User for {@link #ENV_JDBC_URL}; it must be allowed to create databases. Default {@code postgres}. */
  public static final String ENV_JDBC_USER = "DRIFTLINE_TEST_JDBC_USER";
  /** Password for {@link #ENV_JDBC_URL}; default empty (trust authentication). */
  public static final String ENV_JDBC_PASSWORD = "DRIFTLINE_TEST_JDBC_PASSWORD";
  /** The local server used when neither the environment nor Docker gives one. */
  public static final String LOCAL_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
  /** The PostgreSQL image Testcontainers starts. */
  public static final String POSTGRES_IMAGE = "postgres:16-alpine";

  private static @Nullable PostgresTestServer shared;

  private final InfrastructureSource source;
  private final String adminJdbcUrl;
  private final String user;
  private final String password;
  private final AutoCloseable owned;

  private PostgresTestServer(
      InfrastructureSource source, String adminJdbcUrl, String user, String password, AutoCloseable owned) {
    this.source = source;
    this.adminJdbcUrl = adminJdbcUrl;
    this.user = user;
    this.password = password;
    this.owned = owned;
  }

  /** Returns the JVM's shared server, starting a container on first use if that is the path. */
  public static synchronized PostgresTestServer shared() {
    if (shared == null) {
      PostgresTestServer server = start(System.getenv(), Docker.isAvailable());
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-test-server-stop"));
      shared = server;
    }
    return shared;
  }

  /**
   * Chooses a server from the given environment; the caller owns the result.
   *
   * @param env environment variables (only the {@code DRIFTLINE_TEST_JDBC_*} ones are read)
   * @param dockerAvailable whether Testcontainers may be used
   */
  public static PostgresTestServer start(Map<String, String> env, boolean dockerAvailable) {
    String url = env.get(ENV_JDBC_URL);
    if (url != null && !url.isBlank()) {
      return new PostgresTestServer(
          InfrastructureSource.ENVIRONMENT,
          url.trim(),
          env.getOrDefault(ENV_JDBC_USER, "postgres"),
          env.getOrDefault(ENV_JDBC_PASSWORD, ""),
          () -> {});
    }
    return start(dockerAvailable ? InfrastructureSource.TESTCONTAINERS : InfrastructureSource.LOCAL);
  }

  /** Starts or names a server of the given kind ({@link InfrastructureSource#TESTCONTAINERS} or {@code LOCAL}). */
  public static PostgresTestServer start(InfrastructureSource source) {
    return switch (source) {
      case TESTCONTAINERS -> {
        PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE);
        container.start();
        yield new PostgresTestServer(
            source, container.getJdbcUrl(), container.getUsername(), container.getPassword(), container::stop);
      }
      case LOCAL -> new PostgresTestServer(source, LOCAL_JDBC_URL, "postgres", "", () -> {});
      case ENVIRONMENT -> throw new IllegalArgumentException(
          "an environment server is not started; set " + ENV_JDBC_URL + " and use start(env, docker)");
    };
  }

  /** Where this server came from. */
  public InfrastructureSource source() {
    return source;
  }

  /** The user test databases belong to. */
  public String user() {
    return user;
  }

  /** The password of {@link #user()}. */
  public String password() {
    return password;
  }

  /** Opens a connection to the server's administrative database. */
  public Connection connectAdmin() throws SQLException {
    return DriverManager.getConnection(adminJdbcUrl, user, password);
  }

  /**
   * Creates a new empty database whose name starts with a readable form of {@code label}; drop it
   * with {@link TestDatabase#close()}.
   */
  public TestDatabase createDatabase(String label) {
    String name = "dl_" + sanitize(label) + "_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    try (Connection admin = connectAdmin()) {
      admin.createStatement().execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not create test database " + name + " on " + adminJdbcUrl + " as " + user
              + " (the user needs CREATEDB): " + e.getMessage(), e);
    }
    return new TestDatabase(this, name, withDatabase(adminJdbcUrl, name));
  }

  void dropDatabase(String name) {
    try (Connection admin = connectAdmin()) {
      // FORCE ends sessions a cached application context may still hold.
      admin.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the database part of a PostgreSQL JDBC URL, keeping host, port and parameters. */
  static String withDatabase(String jdbcUrl, String database) {
    String prefix = "jdbc:postgresql://";
    if (!jdbcUrl.startsWith(prefix)) {
      throw new IllegalArgumentException(
          ENV_JDBC_URL + " must look like jdbc:postgresql://host:port/database, got " + jdbcUrl);
    }
    int slash = jdbcUrl.indexOf('/', prefix.length());
    int query = jdbcUrl.indexOf('?', prefix.length());
    String hostPart = jdbcUrl.substring(0, slash < 0 ? (query < 0 ? jdbcUrl.length() : query) : slash);
    String params = query < 0 ? "" : jdbcUrl.substring(query);
    return hostPart + "/" + database + params;
  }

  private static String sanitize(String label) {
    String lower = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return lower.length() > 40 ? lower.substring(lower.length() - 40) : lower;
  }

  /** Stops the container if this object started one; other servers are left running. */
  @Override
  public void close() {
    try {
      owned.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the " + source + " PostgreSQL server", e);
    }
  }

  @Override
  public String toString() {
    return "PostgresTestServer[" + source + " " + adminJdbcUrl + "]";
  }
}
