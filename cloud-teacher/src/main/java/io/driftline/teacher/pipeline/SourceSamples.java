package io.driftline.teacher.pipeline;

import io.driftline.core.image.Image;
import java.util.List;

/**
 * Labelled frames of the student's home (source) domain: the gate checks that a bundle does not make
 * them worse, and their prompted features centre the bundle's HDC encoder.
 *
 * @param frames the frames, pixels in [0,1]
 * @param labels their true labels
 */
public record SourceSamples(List<Image> frames, int[] labels) {

  /** Checks the sizes and copies. */
  public SourceSamples {
    frames = List.copyOf(frames);
    labels = labels.clone();
    if (frames.isEmpty() || frames.size() != labels.length) {
      throw new IllegalArgumentException("source samples need the same non-zero number of frames and labels, got "
          + frames.size() + " frames and " + labels.length + " labels");
    }
  }

  /** Returns a copy of the labels. */
  @Override
  public int[] labels() {
    return labels.clone();
  }
}
