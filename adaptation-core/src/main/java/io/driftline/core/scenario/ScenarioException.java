package io.driftline.core.scenario;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a scenario is invalid or cannot be streamed; {@link #path()} names the offending
 * field, such as {@code segments[2].family}, and the message says what is wrong with it.
 */
public class ScenarioException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String path;
  private final String problem;
  private final @Nullable String file;
  private final int line;

  /** Creates an exception about the field at {@code path} (empty for the whole document). */
  public ScenarioException(String path, String problem) {
    this(null, path, problem, -1, null);
  }

  /**
   * Creates an exception about a field of a scenario file.
   *
   * @param file the scenario file, or null when parsed from a string
   * @param line 1-based line of a syntax error, or -1 when unknown
   */
  public ScenarioException(
      @Nullable String file, String path, String problem, int line, @Nullable Throwable cause) {
    super(format(file, path, problem, line), cause);
    this.path = path;
    this.problem = problem;
    this.file = file;
    this.line = line;
  }

  private static String format(@Nullable String file, String path, String problem, int line) {
    StringBuilder text = new StringBuilder();
    if (file != null) {
      text.append(file);
      text.append(line > 0 ? ":" + line + ": " : ": ");
    }
    if (!path.isEmpty()) {
      text.append(path).append(": ");
    }
    return text.append(problem).toString();
  }

  /** Returns a copy of this exception that names the scenario file it came from. */
  ScenarioException inFile(String fileName) {
    return new ScenarioException(fileName, path, problem, line, getCause());
  }

  /** The field path, such as {@code segments[2].severity}; empty for a syntax error. */
  public String path() {
    return path;
  }

  /** What is wrong, without the path. */
  public String problem() {
    return problem;
  }

  /** The scenario file, if the scenario came from one. */
  public @Nullable String file() {
    return file;
  }

  /** The 1-based line of a syntax error, or -1 when unknown. */
  public int line() {
    return line;
  }
}
