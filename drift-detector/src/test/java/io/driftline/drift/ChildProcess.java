package io.driftline.drift;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Starts {@link StreamsChild} in its own JVM (so it can be killed with SIGKILL) and waits until it runs. */
public final class ChildProcess {

  private ChildProcess() {}

  /**
   * Starts the child with the test's class path, copies its output to {@code <dir>/<name>.log}, and
   * returns once it prints {@code RUNNING}.
   */
  public static Process start(Path dir, String name, String bootstrap, String appId, String telemetry,
      String incidents) throws Exception {
    return start(dir, name, bootstrap, appId, telemetry, incidents, 1, true);
  }

  /**
   * As {@link #start(Path, String, String, String, String, String)}, with {@code threads} stream
   * threads, and with the throughput settings or Kafka Streams' defaults.
   */
  public static Process start(Path dir, String name, String bootstrap, String appId, String telemetry,
      String incidents, int threads, boolean throughputSettings) throws Exception {
    Path stateDir = Files.createDirectories(dir.resolve(name + "-state"));
    Path log = dir.resolve(name + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        StreamsChild.class.getName(), bootstrap, appId, stateDir.toString(), telemetry, incidents,
        String.valueOf(threads), throughputSettings ? "tuned" : "defaults")
        .redirectErrorStream(true)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread pump = new Thread(() -> {
      try (var writer = Files.newBufferedWriter(log)) {
        for (String line; (line = out.readLine()) != null; ) {
          writer.write(line);
          writer.newLine();
          writer.flush();
        }
      } catch (Exception ignored) {
        // the process was killed
      }
    }, name + "-log");
    pump.setDaemon(true);
    pump.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains("RUNNING")) {
        return process;
      }
      if (!process.isAlive()) {
        throw new AssertionError("child " + name + " died; log: " + log);
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new AssertionError("child " + name + " did not reach RUNNING; log: " + log);
  }
}
