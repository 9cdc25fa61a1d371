package io.driftline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft combined mode: broker and controller in one process) in a
 * child JVM, with a fixed port and a log folder that outlive the process, so a fault test can kill
 * it with SIGKILL and start it again on the same address with its data. The embedded broker of
 * {@link EmbeddedBroker} lives in the test's JVM and cannot be restarted with its data.
 *
 * <p>The child runs {@code kafka.Kafka} from the test's own class path (spring-kafka-test brings the
 * server classes) on a {@code server.properties} written here, after formatting the log folder once
 * with {@code kafka.tools.StorageTool}. Topics are not auto-created and the internal topics fit one
 * broker, as on {@link EmbeddedBroker}.
 *
 * <p>Extra listeners ({@link #start(Path, Map)}) let a test route some clients through a proxy: a
 * client that bootstraps on a listener gets that listener's advertised address for every later
 * connection, so a {@link TcpProxy} in front of it cuts those clients off alone.
 */
public final class BrokerProcess implements AutoCloseable {

  private static final Duration READY = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final Path properties;
  private final Path logFile;
  private final Map<String, Integer> listenerPorts = new LinkedHashMap<>();
  private Process process;
  private final Thread killAtExit;

  private BrokerProcess(Path dir, int port, Path properties, Path logFile) {
    this.dir = dir;
    this.port = port;
    this.properties = properties;
    this.logFile = logFile;
    this.killAtExit = new Thread(() -> {
      if (process != null) {
        process.destroyForcibly();
      }
    }, "broker-kill-at-exit");
    Runtime.getRuntime().addShutdownHook(killAtExit);
  }

  /** Starts a broker with its log folder under {@code dir}, on free ports, with no extra listener. */
  public static BrokerProcess start(Path dir) throws IOException, InterruptedException {
    return start(dir, Map.of());
  }

  /**
   * Starts a broker with its log folder under {@code dir}, formatting it first.
   *
   * @param extraListeners listener name (upper case, e.g. {@code DEVICE}) → the port clients are told
   *     to connect to (a proxy's); the listener itself binds a free port, see {@link #listenerPort}
   */
  public static BrokerProcess start(Path dir, Map<String, Integer> extraListeners) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = ServiceProcess.freePort();
    int controller = ServiceProcess.freePort();
    Map<String, Integer> bound = new LinkedHashMap<>();
    StringBuilder listeners = new StringBuilder("PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
    StringBuilder advertised = new StringBuilder("PLAINTEXT://127.0.0.1:" + port);
    StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    for (Map.Entry<String, Integer> e : extraListeners.entrySet()) {
      int p = ServiceProcess.freePort();
      bound.put(e.getKey(), p);
      listeners.append(',').append(e.getKey()).append("://127.0.0.1:").append(p);
      advertised.append(',').append(e.getKey()).append("://127.0.0.1:").append(e.getValue());
      protocols.append(',').append(e.getKey()).append(":PLAINTEXT");
    }
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listeners", listeners.toString());
    p.setProperty("advertised.listeners", advertised.toString());
    p.setProperty("listener.security.protocol.map", protocols.toString());
    p.setProperty("log.dirs", dir.resolve("data").toAbsolutePath().toString());
    p.setProperty("num.partitions", "2");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "4");
    p.setProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // a compacted topic (fleet.desired-state) is cleaned soon, so a test sees compaction's real effects
    p.setProperty("log.cleaner.backoff.ms", "1000");
    Path properties = dir.resolve("server.properties");
    try (var out = Files.newOutputStream(properties)) {
      p.store(out, "written by BrokerProcess");
    }
    Path log = dir.resolve("broker.log");
    Process format = java("kafka.tools.StorageTool", List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
        properties.toString()), dir.resolve("format.log")).start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException("formatting the broker's log folder failed:\n" + tail(dir.resolve("format.log")));
    }
    BrokerProcess broker = new BrokerProcess(dir, port, properties, log);
    broker.listenerPorts.putAll(bound);
    broker.launch();
    return broker;
  }

  private static ProcessBuilder java(String main, List<String> args, Path log) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  private void launch() throws IOException, InterruptedException {
    process = java("kafka.Kafka", List.of(properties.toString()), logFile).start();
    long deadline = System.nanoTime() + READY.toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the broker exited with " + process.exitValue() + ":\n" + tail(logFile));
        }
        try {
          admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
          return;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() > deadline) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the broker did not answer within " + READY.toSeconds() + " s:\n" + tail(logFile));
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /** The bootstrap address of the PLAINTEXT listener, the same across restarts. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The port an extra listener binds (a proxy's target). */
  public int listenerPort(String listener) {
    Integer p = listenerPorts.get(listener);
    if (p == null) {
      throw new IllegalArgumentException("no listener " + listener + "; the broker has " + listenerPorts.keySet());
    }
    return p;
  }

  /** Kills the broker with SIGKILL (no clean shutdown, nothing flushed) and waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts the broker again on the same ports and log folder, and waits until it answers. */
  public void restart() throws IOException, InterruptedException {
    if (process.isAlive()) {
      throw new IllegalStateException("the broker is still running; kill() it first");
    }
    launch();
  }

  /** Whether the broker process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The broker's log folder and log file live here. */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killAtExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
