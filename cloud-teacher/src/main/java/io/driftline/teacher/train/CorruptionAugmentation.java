package io.driftline.teacher.train;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.image.Image;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replaces a share of the training frames with corrupted copies from a subset of the corruption
 * families, at a random severity; which frames and how is a pure function of (seed, epoch, index),
 * so a run can be repeated.
 *
 * @param families the families drawn from (the others stay unseen in training)
 * @param probability share of frames corrupted, in [0, 1]
 * @param minSeverity lowest severity drawn
 * @param maxSeverity highest severity drawn
 * @param seed seed of the draws and of the corruption noise
 */
public record CorruptionAugmentation(
    List<CorruptionFamily> families, double probability, int minSeverity, int maxSeverity, long seed) {

  /** Checks the ranges. */
  public CorruptionAugmentation {
    families = List.copyOf(families);
    if (families.isEmpty()) {
      throw new IllegalArgumentException("augmentation needs at least one corruption family");
    }
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0,1], got " + probability);
    }
    if (minSeverity < CorruptionFamily.MIN_SEVERITY || maxSeverity > CorruptionFamily.MAX_SEVERITY
        || minSeverity > maxSeverity) {
      throw new IllegalArgumentException("severities must satisfy 1 <= min <= max <= 5, got "
          + minSeverity + ".." + maxSeverity);
    }
  }

  /** Returns the frame to train on for sample {@code index} in {@code epoch}: a corrupted copy or {@code clean} itself. */
  public Image apply(Image clean, int epoch, int index) {
    SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)) ^ ((long) index << 20));
    if (random.nextDouble() >= probability) {
      return clean;
    }
    CorruptionFamily family = families.get(random.nextInt(families.size()));
    int severity = minSeverity + random.nextInt(maxSeverity - minSeverity + 1);
    return family.apply(clean, severity, seed + epoch, index);
  }
}
