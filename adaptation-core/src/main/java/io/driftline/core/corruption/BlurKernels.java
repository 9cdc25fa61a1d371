package io.driftline.core.corruption;

import static io.driftline.core.corruption.CorruptionKernels.clamp01;
import static io.driftline.core.corruption.CorruptionKernels.level;
import static io.driftline.core.corruption.CorruptionKernels.spatialScale;

import io.driftline.core.image.Image;
import java.util.SplittableRandom;

/** Optical blur: an out-of-focus disk and a camera-shake line. */
final class BlurKernels {

  /** Disk radius in pixels at 28 px (scaled with the shorter side). */
  static final double[] DEFOCUS_RADIUS = {0.8, 1.2, 1.6, 2.1, 2.7};

  /** Length of the motion line in pixels at 28 px (scaled with the shorter side). */
  static final double[] MOTION_LENGTH = {2.0, 3.5, 5.0, 7.0, 9.5};

  private BlurKernels() {}

  static Image defocus(Image clean, int severity) {
    double radius = level(DEFOCUS_RADIUS, severity) * spatialScale(clean);
    int reach = (int) Math.ceil(radius + 0.5);
    int size = 2 * reach + 1;
    float[] kernel = new float[size * size];
    double sum = 0;
    for (int ky = 0; ky < size; ky++) {
      for (int kx = 0; kx < size; kx++) {
        double distance = Math.hypot(ky - reach, kx - reach);
        // Coverage of the pixel by the disk, linear over one pixel: the blur grows smoothly with a
        // fractional radius instead of jumping when the radius passes a whole pixel.
        double weight = Math.max(0, Math.min(1, radius + 0.5 - distance));
        kernel[ky * size + kx] = (float) weight;
        sum += weight;
      }
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= (float) sum;
    }
    float[] out = CorruptionKernels.convolve(
        clean.pixels(), clean.channels(), clean.height(), clean.width(), kernel, size);
    for (int i = 0; i < out.length; i++) {
      out[i] = clamp01(out[i]);
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }

  static Image motion(Image clean, int severity, SplittableRandom rng) {
    double length = level(MOTION_LENGTH, severity) * spatialScale(clean);
    double angle = rng.nextDouble() * Math.PI;
    double ux = Math.cos(angle);
    double uy = Math.sin(angle);
    // Samples every half pixel along a centred line, so a longer shake averages more positions.
    int samples = Math.max(3, (int) Math.ceil(2 * length) + 1);
    int h = clean.height();
    int w = clean.width();
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int c = 0; c < clean.channels(); c++) {
      int base = c * h * w;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          for (int s = 0; s < samples; s++) {
            double t = length * ((double) s / (samples - 1) - 0.5);
            acc += CorruptionKernels.sampleBilinear(p, base, h, w, y + t * uy, x + t * ux, false);
          }
          out[base + y * w + x] = clamp01(acc / samples);
        }
      }
    }
    return Image.wrap(clean.channels(), h, w, out);
  }
}
