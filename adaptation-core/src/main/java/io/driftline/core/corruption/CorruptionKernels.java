package io.driftline.core.corruption;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;

/** The pixel operations behind each {@link CorruptionFamily}. */
final class CorruptionKernels {

  private CorruptionKernels() {}

  static Image apply(CorruptionFamily family, Image clean, int severity, long seed, long index) {
    return switch (family) {
      case BRIGHTNESS -> shift(clean, new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f}[severity - 1]);
      case CONTRAST -> contrast(clean, new float[] {0.4f, 0.3f, 0.2f, 0.1f, 0.05f}[severity - 1]);
      default -> throw new UnsupportedOperationException(family.id() + " is not implemented yet");
    };
  }

  private static Image shift(Image clean, float amount) {
    Image out = clean.copy();
    float[] p = out.pixels();
    for (int i = 0; i < p.length; i++) {
      p[i] += amount;
    }
    return ImageOps.clampInPlace(out);
  }

  private static Image contrast(Image clean, float factor) {
    Image out = clean.copy();
    float[] p = out.pixels();
    double mean = 0;
    for (float v : p) {
      mean += v;
    }
    float m = (float) (mean / p.length);
    for (int i = 0; i < p.length; i++) {
      p[i] = (p[i] - m) * factor + m;
    }
    return ImageOps.clampInPlace(out);
  }
}
