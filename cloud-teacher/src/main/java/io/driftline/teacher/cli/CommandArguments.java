package io.driftline.teacher.cli;

import org.jspecify.annotations.Nullable;

/** Option parsing shared by the teacher's commands; every failure is an {@link IllegalArgumentException} naming the option. */
public final class CommandArguments {

  private CommandArguments() {}

  /**
   * The value after an option.
   *
   * @param index the position of the value in {@code args}
   * @throws IllegalArgumentException if there is no value or the next word is another option
   */
  public static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  /**
   * An integer option value; surrounding spaces are ignored.
   *
   * @throws IllegalArgumentException if {@code text} is not an integer
   */
  public static long parseLong(String text, String option) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, got '" + text + "'");
    }
  }

  /** A message on one line, for a command's single error line. */
  public static String oneLine(@Nullable String message) {
    return message == null ? "failed" : message.replace('\n', ' ');
  }
}
