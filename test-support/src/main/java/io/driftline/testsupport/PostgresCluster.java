package io.driftline.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster (its own data folder and port) that a fault test may stop and start,
 * which the shared server on 127.0.0.1:5432 must never be. It runs the machine's {@code initdb} and
 * {@code pg_ctl} from {@code /usr/lib/postgresql/<version>/bin} (the newest version found); as root,
 * they run as the {@code postgres} OS user through {@code runuser}, since PostgreSQL refuses to run
 * as root. Trust authentication on loopback only. {@link #server()} creates test databases on it.
 */
public final class PostgresCluster implements AutoCloseable {

  private static final Path INSTALLS = Path.of("/usr/lib/postgresql");
  private static final String OS_USER = "postgres";

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asRoot;
  private final Thread stopAtExit;

  private PostgresCluster(Path bin, Path dir, int port, boolean asRoot) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asRoot = asRoot;
    this.stopAtExit = new Thread(() -> {
      try {
        pgCtl("stop", "-m", "immediate");
      } catch (IOException | RuntimeException e) {
        // best effort at exit
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "postgres-cluster-stop");
  }

  /**
   * Why a private cluster cannot run here, or empty if it can: no PostgreSQL server binaries, or
   * running as root without a {@code postgres} OS user and {@code runuser}.
   */
  public static Optional<String> unavailableReason() {
    if (binaries().isEmpty()) {
      return Optional.of("no PostgreSQL server binaries in " + INSTALLS + "/<version>/bin (initdb, pg_ctl)");
    }
    if (isRoot()) {
      if (!Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
        return Optional.of("running as root and runuser is missing, so initdb cannot run as the postgres user");
      }
      try {
        Process id = new ProcessBuilder("id", "-u", OS_USER).redirectErrorStream(true).start();
        if (!id.waitFor(10, TimeUnit.SECONDS) || id.exitValue() != 0) {
          return Optional.of("running as root and there is no '" + OS_USER + "' OS user for initdb");
        }
      } catch (IOException e) {
        return Optional.of("cannot run id: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted");
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> binaries() {
    if (!Files.isDirectory(INSTALLS)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(INSTALLS)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(b -> versionNumber(b.getParent().getFileName().toString())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int versionNumber(String name) {
    try {
      return Integer.parseInt(name.replaceAll("[^0-9].*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Creates (initdb) and starts a cluster on a free port, in a new temporary folder. */
  public static PostgresCluster start() throws IOException, InterruptedException {
    String reason = unavailableReason().orElse(null);
    if (reason != null) {
      throw new IllegalStateException("a private PostgreSQL cluster cannot run here: " + reason);
    }
    Path dir = Files.createTempDirectory("postgres-cluster-");
    boolean root = isRoot();
    PostgresCluster cluster = new PostgresCluster(binaries().orElseThrow(), dir, ServiceProcess.freePort(), root);
    if (root) {
      run(List.of("chown", "-R", OS_USER + ":" + OS_USER, dir.toString()), dir.resolve("chown.log"));
    }
    cluster.command(List.of(cluster.bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
        "-U", "postgres", "-E", "UTF8", "--no-sync"), "initdb.log");
    Runtime.getRuntime().addShutdownHook(cluster.stopAtExit);
    cluster.startServer();
    return cluster;
  }

  /** Starts the server and waits until it accepts connections. */
  public void startServer() throws IOException, InterruptedException {
    // the socket folder is the data folder: no clash with the shared server's socket in /var/run
    pgCtl("start", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir.resolve("data")
        + " -c fsync=off -c max_connections=100", "-l", dir.resolve("server.log").toString());
  }

  /** Stops the server at once, as a crash would (no checkpoint; the next start recovers from WAL). */
  public void stopImmediately() throws IOException, InterruptedException {
    pgCtl("stop", "-m", "immediate");
  }

  /** A crash restart: {@link #stopImmediately()} then {@link #startServer()}. */
  public void restart() throws IOException, InterruptedException {
    stopImmediately();
    startServer();
  }

  private void pgCtl(String action, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), action, "-D",
        dir.resolve("data").toString(), "-w", "-t", "60"));
    command.addAll(List.of(args));
    command(command, "pg_ctl.log");
  }

  private void command(List<String> command, String log) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    full.addAll(command);
    run(full, dir.resolve(log));
  }

  private static void run(List<String> command, Path log) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed:\n"
          + Files.readString(log, StandardCharsets.ISO_8859_1));
    }
  }

  /** The port the server listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** JDBC URL of the cluster's {@code postgres} database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** A server handle on this cluster that creates and drops {@link TestDatabase}s. */
  public PostgresTestServer server() {
    return PostgresTestServer.start(Map.of(PostgresTestServer.ENV_JDBC_URL, jdbcUrl(),
        PostgresTestServer.ENV_JDBC_USER, "postgres"), false);
  }

  /** Stops the server and deletes its folder. */
  @Override
  public void close() {
    try {
      stopImmediately();
    } catch (IOException | RuntimeException e) {
      // already stopped
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder: left behind at worst
    }
  }
}
