package io.driftline.teacher.djl;

import ai.djl.engine.Engine;

/** Starts DJL's PyTorch engine in offline mode, so no model zoo or native library is downloaded. */
public final class DjlEngines {

  /** Name of the DJL engine the teacher trains with. */
  public static final String ENGINE = "PyTorch";

  private DjlEngines() {}

  /**
   * Returns the PyTorch engine, setting {@code ai.djl.offline=true} first unless the property was
   * given; the native library unpacks from the class path on first use.
   */
  public static synchronized Engine pytorch() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return Engine.getEngine(ENGINE);
  }
}
