package io.driftline.sandbox;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the sandbox's progress lines, each with the seconds since the sandbox started. */
final class Progress {

  private final PrintStream out;
  private final long start = System.nanoTime();

  Progress(PrintStream out) {
    this.out = out;
  }

  /** Prints one line. */
  synchronized void say(String message) {
    out.printf(Locale.ROOT, "[sandbox %6.1f s] %s%n", seconds(), message);
    out.flush();
  }

  /** Seconds since the sandbox started. */
  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
