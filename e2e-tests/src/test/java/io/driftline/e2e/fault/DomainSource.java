package io.driftline.e2e.fault;

import io.driftline.agent.source.FrameSource;
import io.driftline.agent.source.SourceFrame;
import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import org.jspecify.annotations.Nullable;

/**
 * An endless labelled stream of Fashion-MNIST test images under a corruption the test switches at
 * run time ({@link #switchTo}), so a test decides when a fleet drifts instead of waiting for a
 * scenario file to get there. Each device starts at another offset, so devices see other frames.
 */
final class DomainSource implements FrameSource {

  private final LabeledImages images;
  private final long seed;
  private long index;
  private volatile @Nullable CorruptionFamily family;
  private volatile int severity;
  private volatile boolean paused;

  DomainSource(LabeledImages images, int offset, long seed) {
    this.images = images;
    this.index = offset;
    this.seed = seed;
  }

  /** From the next frame on, frames carry this corruption (null: clean). */
  void switchTo(@Nullable CorruptionFamily family, int severity) {
    this.severity = severity;
    this.family = family;
  }

  /**
   * Holds the stream (a live source with no new frame) or lets it go on: a paused fleet uploads
   * nothing more, so its counters stand still while a test adds them up.
   */
  void pause(boolean pause) {
    this.paused = pause;
  }

  @Override
  public SourceFrame next() throws InterruptedException {
    while (paused) {
      Thread.sleep(20);
    }
    int i = (int) (index++ % images.size());
    CorruptionFamily f = family;
    Image clean = images.image(i);
    Image frame = f == null ? clean : f.apply(clean, severity, seed, index);
    return new SourceFrame(frame, images.label(i), f == null ? "clean" : f.name().toLowerCase(java.util.Locale.ROOT)
        + "@" + severity, "fashion-mnist-test#" + i);
  }

  @Override
  public String describe() {
    return "fault-test domain source";
  }
}
