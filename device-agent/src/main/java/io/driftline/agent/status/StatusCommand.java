package io.driftline.agent.status;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Prints the agent's status in a readable form: {@code java -jar device-agent-<version>-exec.jar status
 * [--data-dir=DIR]} reads {@code DIR/status.json} (default: {@code $DRIFTLINE_AGENT_DATA_DIR} or
 * {@code agent-data}), which the running agent rewrites every second.
 */
public final class StatusCommand {

  private StatusCommand() {}

  /** Runs the command; returns the exit code (0 printed, 2 bad arguments, 1 no status). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String env = System.getenv("DRIFTLINE_AGENT_DATA_DIR");
    Path dataDir = Path.of(env == null || env.isBlank() ? "agent-data" : env);
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--data-dir=")) {
        dataDir = Path.of(args[i].substring("--data-dir=".length()));
      } else {
        err.println("status: unknown argument '" + args[i] + "'; usage: status [--data-dir=DIR]");
        return 2;
      }
    }
    StatusFile file = new StatusFile(dataDir);
    if (!Files.exists(file.path())) {
      err.println("status: no status file " + file.path() + "; is the agent running with this data folder?");
      return 1;
    }
    try {
      out.print(format(file.read(), Instant.now()));
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("status: cannot read " + file.path() + ": " + e.getMessage());
      return 1;
    }
  }

  /** Formats a status as aligned lines. */
  public static String format(AgentStatus s, Instant now) {
    StringBuilder b = new StringBuilder();
    line(b, "device", s.deviceId());
    line(b, "status age", Duration.between(s.updatedAt(), now).toSeconds() + " s");
    line(b, "source", s.source());
    line(b, "active bundle", s.activeBundle() == null ? "none (bare student)" : s.activeBundle());
    line(b, "adaptors", s.adaptors() + " installed, " + s.evictedAdaptors() + " evicted, " + s.adaptorBytes()
        + " of " + s.memoryBudgetBytes() + " bytes");
    line(b, "frames", s.frames() + " (" + String.format("%.1f", s.framesPerSecond()) + " frames/s, "
        + s.skippedFrames() + " skipped)");
    line(b, "accuracy", s.accuracy() == null ? "n/a (no ground truth)" : String.format("%.3f", s.accuracy()));
    line(b, "uploads", s.uploads() + " samples, " + s.uploadedBytes() + " bytes, " + s.droppedOverBudget()
        + " over budget");
    AgentStatus.Queue q = s.queue();
    line(b, "offline queue", (q.offline() ? "OFFLINE, " : "online, ") + q.records() + " records, " + q.bytes() + " bytes");
    for (Map.Entry<String, Long> e : q.delivered().entrySet()) {
      line(b, "  " + e.getKey(), e.getValue() + " delivered, " + q.dropped().getOrDefault(e.getKey(), 0L) + " dropped");
    }
    line(b, "updates", s.updates().isEmpty() ? "none (no registry)" : s.updates().toString());
    return b.toString();
  }

  private static void line(StringBuilder b, String name, String value) {
    b.append(String.format("%-16s %s%n", name, value));
  }
}
