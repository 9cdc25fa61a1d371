package io.driftline.e2e.hostile;

import io.driftline.testsupport.HttpProbe;
import io.driftline.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a jar of the project in a child JVM that is expected to stop on its own (a service started
 * with a bad setting, a command-line tool given a bad file) and records its exit code and output.
 */
record ChildJvm(int exitCode, List<String> lines, Path log) {

  private static final long TIMEOUT_SECONDS = 120;

  /**
   * Runs {@code java -jar <module jar> <args>} on a free port, output to {@code log}.
   *
   * @throws AssertionError as soon as the service answers its health check: it accepted the settings
   */
  static ChildJvm service(String module, List<String> args, Path log) throws Exception {
    int port = ServiceProcess.freePort();
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
        ServiceProcess.jar(module).toString()));
    command.addAll(args);
    command.add("--server.port=" + port);
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (!p.waitFor(250, TimeUnit.MILLISECONDS)) {
      boolean healthy;
      try {
        healthy = HttpProbe.get(port, "/actuator/health").statusCode() == 200;
      } catch (java.io.IOException e) {
        healthy = false;
      }
      if (healthy || System.nanoTime() > deadline) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(module + " started with " + args.get(args.size() - 1) + " and "
            + (healthy ? "answered its health check" : "still ran after " + TIMEOUT_SECONDS + " s")
            + " (killed); it should have refused to start. Log " + log);
      }
    }
    return new ChildJvm(p.exitValue(), Files.readAllLines(log), log);
  }

  /** Runs the main class {@code mainClass} from the executable jar of {@code module}. */
  static ChildJvm tool(String module, String mainClass, List<String> args, Path log) throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-Dloader.main=" + mainClass, "-cp", ServiceProcess.jar(module).toString(),
        "org.springframework.boot.loader.launch.PropertiesLauncher"));
    command.addAll(args);
    return run(command, log);
  }

  private static ChildJvm run(List<String> command, Path log) throws Exception {
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", command.subList(command.size() - 3, command.size()))
          + " still ran after " + TIMEOUT_SECONDS + " s (killed); it should have refused to start. Log " + log);
    }
    return new ChildJvm(p.exitValue(), Files.readAllLines(log), log);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The last line that is not blank. */
  String lastLine() {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        return lines.get(i);
      }
    }
    return "";
  }
}
