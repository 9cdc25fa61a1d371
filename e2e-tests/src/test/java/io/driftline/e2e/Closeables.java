package io.driftline.e2e;

import java.util.List;

/** Stops what a test fleet started, in the reverse order of starting. */
public final class Closeables {

  private Closeables() {}

  /**
   * Closes every element of {@code started}, last first, goes on past a failure (a service that
   * is already gone must not keep the rest running) and empties the list.
   */
  public static void closeInReverse(List<? extends AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    started.clear();
  }
}
