package io.driftline.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs a Driftline service's executable jar in a child JVM, so a test talks to the real service over
 * HTTP and can stop it gracefully or kill it with SIGKILL. {@link #start} returns once
 * {@code GET /actuator/health} answers 200.
 *
 * <pre>{@code
 * try (ServiceProcess registry = ServiceProcess.start("model-registry", List.of("-Xmx384m"),
 *     List.of("--spring.datasource.url=" + db.jdbcUrl()), ServiceProcess.freePort(),
 *     dir.resolve("registry.log"), Duration.ofSeconds(120))) {
 *   HttpProbe.get(registry.port(), "/api/v1/signing-key");
 * }
 * }</pre>
 */
public final class ServiceProcess implements AutoCloseable {

  /** How long {@link #close()} waits for an orderly stop before it kills the process. */
  static final Duration GRACE = Duration.ofSeconds(20);
  private static final int TAIL_LINES = 40;

  private final String name;
  private final Process process;
  private final int port;
  private final Path logFile;
  private final Thread killAtExit;

  private ServiceProcess(String name, Process process, int port, Path logFile) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.logFile = logFile;
    // a test that fails before close() must not leave a service running after the test JVM exits
    this.killAtExit = new Thread(process::destroyForcibly, name + "-kill-at-exit");
    Runtime.getRuntime().addShutdownHook(killAtExit);
  }

  /**
   * Finds a module's executable jar, {@code <module>-<version>.jar}: first on {@code java.class.path}
   * (where the reactor puts a module this one depends on), then in {@code ../<module>/target/} (a
   * sibling module built earlier; the newest there if several).
   *
   * @throws IllegalStateException naming both places if neither has it
   */
  public static Path jar(String module) {
    Pattern name = Pattern.compile(Pattern.quote(module) + "-\\d[^/\\\\]*(?<!-sources|-javadoc|-tests)\\.jar");
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (path.getFileName() != null && name.matcher(path.getFileName().toString()).matches() && Files.isRegularFile(path)) {
        return path;
      }
    }
    Path target = Path.of("..", module, "target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        var built = files.filter(f -> name.matcher(f.getFileName().toString()).matches())
            .max(Comparator.comparing(ServiceProcess::modified));
        if (built.isPresent()) {
          return built.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + target.toAbsolutePath().normalize(), e);
      }
    }
    throw new IllegalStateException("no " + module + "-<version>.jar on java.class.path nor in "
        + target.toAbsolutePath().normalize() + "; package it first (./mvnw -pl " + module
        + " -am package -DskipTests) or build this module with -pl <this module>," + module + " -am");
  }

  /** Returns a TCP port that was free a moment ago (the OS may hand it out again; use it at once). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /**
   * Starts {@code java <jvmArgs> -jar <module jar> <appArgs> --server.port=<port>} with stdout and
   * stderr in {@code logFile}, and waits until {@code GET /actuator/health} on the port answers 200.
   *
   * @throws IllegalStateException with the tail of the log if the process exits first or does not
   *     become healthy within {@code startTimeout} (it is killed then)
   */
  public static ServiceProcess start(String module, List<String> jvmArgs, List<String> appArgs, int port,
      Path logFile, Duration startTimeout) throws IOException, InterruptedException {
    return start(module, jar(module), jvmArgs, appArgs, port, logFile, startTimeout);
  }

  /**
   * As {@link #start(String, List, List, int, Path, Duration)}, with {@code environment} added to the
   * child's environment (configuration the way a container gets it, e.g. {@code SPRING_DATASOURCE_URL}).
   */
  public static ServiceProcess start(String module, List<String> jvmArgs, List<String> appArgs,
      Map<String, String> environment, int port, Path logFile, Duration startTimeout)
      throws IOException, InterruptedException {
    return start(module, jar(module), jvmArgs, appArgs, environment, port, logFile, startTimeout);
  }

  /** As {@link #start(String, List, List, int, Path, Duration)}, with the jar given ({@code name} is for messages). */
  public static ServiceProcess start(String name, Path jar, List<String> jvmArgs, List<String> appArgs, int port,
      Path logFile, Duration startTimeout) throws IOException, InterruptedException {
    return start(name, jar, jvmArgs, appArgs, Map.of(), port, logFile, startTimeout);
  }

  /** As {@link #start(String, Path, List, List, int, Path, Duration)}, with {@code environment} added to the child's. */
  public static ServiceProcess start(String name, Path jar, List<String> jvmArgs, List<String> appArgs,
      Map<String, String> environment, int port, Path logFile, Duration startTimeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(appArgs);
    command.add("--server.port=" + port);
    if (logFile.toAbsolutePath().getParent() != null) {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    ServiceProcess service = new ServiceProcess(name, process, port, logFile);
    service.awaitHealthy(startTimeout);
    return service;
  }

  private void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        forget();
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before it was healthy; "
            + logTail());
      }
      try {
        if (HttpProbe.get(port, "/actuator/health").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        kill();
        throw new IllegalStateException(name + " did not answer 200 on /actuator/health of port " + port + " within "
            + timeout.toSeconds() + " s (killed); " + logTail());
      }
      Thread.sleep(250);
    }
  }

  /** Returns the service's name (its module). */
  public String name() {
    return name;
  }

  /** Returns the service's base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Returns the HTTP port the service listens on. */
  public int port() {
    return port;
  }

  /** Returns the child process's id. */
  public long pid() {
    return process.pid();
  }

  /** Returns the file that receives the service's stdout and stderr. */
  public Path logFile() {
    return logFile;
  }

  /** Returns whether the child process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process with SIGKILL (no shutdown hooks run, as in a crash) and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** Stops the process in order (SIGTERM), and kills it if it has not stopped after 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    awaitExit();
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " (pid " + process.pid() + ") is still running after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    forget();
  }

  private void forget() {
    try {
      Runtime.getRuntime().removeShutdownHook(killAtExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook anyway
    }
  }

  /** The last lines of the log, for failure messages. */
  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return "last lines of " + logFile + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "its log " + logFile + " is unreadable: " + e.getMessage();
    }
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
