package io.driftline.agent.source;

import org.jspecify.annotations.Nullable;

/** Supplies frames to the agent, one at a time, from a single thread. */
public interface FrameSource extends AutoCloseable {

  /**
   * Returns the next frame, waiting for one if the source is live, or null when the source has
   * ended (a replay without loop, a finished scenario).
   */
  @Nullable SourceFrame next() throws InterruptedException;

  /** Describes the source for logs and the status. */
  String describe();

  /** Frames skipped because they could not be read. */
  default long skipped() {
    return 0;
  }

  @Override
  default void close() {}
}
