package io.driftline.agent.source;

import io.driftline.core.image.Image;
import org.jspecify.annotations.Nullable;

/**
 * Holds one frame from a source.
 *
 * @param image pixels in [0,1]
 * @param label ground-truth class, or -1 when unknown
 * @param domainTag the scenario's domain tag, when the source knows it
 * @param origin where the frame came from (file name, index), for logs
 */
public record SourceFrame(Image image, int label, @Nullable String domainTag, String origin) {

  /** Whether the source knows the true class. */
  public boolean hasLabel() {
    return label >= 0;
  }
}
