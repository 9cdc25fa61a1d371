package io.driftline.teacher.djl;

import ai.djl.engine.Engine;

/** Starts DJL's PyTorch engine in offline mode, so no model zoo or native library is downloaded. */
public final class DjlEngines {

  /** Name of the DJL engine the teacher trains with. */
  public static final String ENGINE = "PyTorch";

  /** System property with PyTorch's intra-op thread count, read once when the engine starts. */
  public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

  private DjlEngines() {}

  /**
   * Returns the PyTorch engine, first setting {@code ai.djl.offline=true} and one intra-op and one
   * inter-op thread unless those properties were given; the native library unpacks from the class
   * path on first use.
   *
   * <p>One thread is the default because PyTorch's threads wait for each other at every operator,
   * and when other processes share the cores that waiting costs more than the second thread gains.
   */
  public static synchronized Engine pytorch() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent(THREADS_PROPERTY, "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    return Engine.getEngine(ENGINE);
  }

  /**
   * Sets PyTorch's intra-op thread count; effective only before the engine first starts.
   *
   * @throws IllegalArgumentException if {@code threads} is not positive
   */
  public static synchronized void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
