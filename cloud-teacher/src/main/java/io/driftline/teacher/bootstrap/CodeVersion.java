package io.driftline.teacher.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Finds the version of the code that is running, for provenance in model cards. */
public final class CodeVersion {

  /** System property that overrides the detected version. */
  public static final String PROPERTY = "driftline.code-version";

  private CodeVersion() {}

  /**
   * Returns the {@value #PROPERTY} property if set, else the git commit of the working directory
   * ({@code -dirty} when it has uncommitted changes), else the jar's implementation version, else
   * {@code unknown}.
   */
  public static String detect() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String commit = git("rev-parse", "HEAD");
    if (!commit.isEmpty()) {
      return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? commit : commit + "-dirty";
    }
    String implementation = CodeVersion.class.getPackage().getImplementationVersion();
    return implementation != null ? implementation : "unknown";
  }

  private static String git(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "git";
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return "";
      }
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
