package io.driftline.core.corruption;

import static io.driftline.core.corruption.CorruptionKernels.clamp01;
import static io.driftline.core.corruption.CorruptionKernels.level;
import static io.driftline.core.corruption.CorruptionKernels.spatialScale;

import io.driftline.core.image.Image;
import java.util.SplittableRandom;

/** Geometry: an elastic warp and a rigid rotation plus translation, both bilinearly resampled. */
final class GeometricKernels {

  /** Root-mean-square displacement of the elastic field in pixels at 28 px. */
  static final double[] ELASTIC_DISPLACEMENT = {0.6, 0.9, 1.2, 1.6, 2.0};

  /**
   * Gaussian sigma smoothing the elastic field, in pixels at 28 px. Fixed across severities so a
   * frame keeps one warp whose amplitude grows.
   */
  static final double ELASTIC_SMOOTHING = 2.5;

  /** Rotation angle in degrees (the sign is random per frame). */
  static final double[] ROTATE_DEGREES = {5, 10, 15, 20, 25};

  /** Translation as a fraction of the image side (the direction is random per frame). */
  static final double[] SHIFT_FRACTION = {0.02, 0.04, 0.07, 0.10, 0.13};

  private GeometricKernels() {}

  static Image elastic(Image clean, int severity, SplittableRandom rng) {
    int h = clean.height();
    int w = clean.width();
    int plane = h * w;
    double scale = spatialScale(clean);
    float[] field = new float[2 * plane];
    for (int i = 0; i < field.length; i++) {
      field[i] = (float) (2 * rng.nextDouble() - 1);
    }
    field = CorruptionKernels.gaussianBlur(field, 2, h, w, ELASTIC_SMOOTHING * scale);
    double sumSquares = 0;
    for (int i = 0; i < plane; i++) {
      sumSquares += field[i] * (double) field[i] + field[plane + i] * (double) field[plane + i];
    }
    double rms = Math.sqrt(sumSquares / plane);
    // Normalising the smoothed field makes the severity parameter a displacement in pixels,
    // independent of how much the smoothing shrank the raw noise.
    double gain = rms > 0 ? level(ELASTIC_DISPLACEMENT, severity) * scale / rms : 0;
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int c = 0; c < clean.channels(); c++) {
      int base = c * plane;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          double sx = x + gain * field[i];
          double sy = y + gain * field[plane + i];
          out[base + i] = clamp01(CorruptionKernels.sampleBilinear(p, base, h, w, sy, sx, false));
        }
      }
    }
    return Image.wrap(clean.channels(), h, w, out);
  }

  static Image rotateTranslate(Image clean, int severity, SplittableRandom rng) {
    int h = clean.height();
    int w = clean.width();
    int plane = h * w;
    double sign = rng.nextBoolean() ? 1 : -1;
    double direction = rng.nextDouble() * 2 * Math.PI;
    double angle = sign * Math.toRadians(level(ROTATE_DEGREES, severity));
    double shift = level(SHIFT_FRACTION, severity);
    double tx = shift * w * Math.cos(direction);
    double ty = shift * h * Math.sin(direction);
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int c = 0; c < clean.channels(); c++) {
      int base = c * plane;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          // Inverse map: undo the translation, then rotate back about the centre.
          double ux = x - cx - tx;
          double uy = y - cy - ty;
          double sx = cos * ux + sin * uy + cx;
          double sy = -sin * ux + cos * uy + cy;
          // Content that moves out leaves black behind, as when the camera turns away (MNIST-C).
          out[base + y * w + x] = clamp01(CorruptionKernels.sampleBilinear(p, base, h, w, sy, sx, true));
        }
      }
    }
    return Image.wrap(clean.channels(), h, w, out);
  }
}
