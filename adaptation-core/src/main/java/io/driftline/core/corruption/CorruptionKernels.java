package io.driftline.core.corruption;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.random.SplitMix64;
import java.util.SplittableRandom;

/**
 * The dispatch from a {@link CorruptionFamily} to its pixel operation, and the helpers the kernel
 * classes share (per-frame random generator, size scaling, convolution, bilinear sampling).
 *
 * <p>Every kernel is a pure function of its arguments: it never modifies the input image and
 * draws randomness only from the generator made by {@link #random}, so calls are thread-safe.
 */
final class CorruptionKernels {

  /**
   * Side length the spatial parameters are written for: Fashion-MNIST's 28 pixels. Blur radii,
   * displacements and streak lengths grow proportionally with the shorter side of larger images.
   */
  static final double REFERENCE_SIDE = 28.0;

  private CorruptionKernels() {}

  /** Runs the family's kernel; the severity has already been checked by {@link CorruptionFamily#apply}. */
  static Image apply(CorruptionFamily family, Image clean, int severity, long seed, long index) {
    // The generator does not depend on the severity: all severities of one frame share the same
    // random draws, so a higher severity scales the same noise / field / streaks rather than
    // drawing new ones. This keeps the severity ladder monotone frame by frame.
    SplittableRandom rng = random(seed, index, family);
    return switch (family) {
      case GAUSSIAN_NOISE -> NoiseKernels.gaussian(clean, severity, rng);
      case SHOT_NOISE -> NoiseKernels.shot(clean, severity, rng);
      case IMPULSE_NOISE -> NoiseKernels.impulse(clean, severity, rng);
      case DEFOCUS_BLUR -> BlurKernels.defocus(clean, severity);
      case MOTION_BLUR -> BlurKernels.motion(clean, severity, rng);
      case FOG -> WeatherKernels.fog(clean, severity, rng);
      case SNOW -> WeatherKernels.snow(clean, severity, rng);
      case RAIN -> WeatherKernels.rain(clean, severity, rng);
      case BRIGHTNESS -> DigitalKernels.brightness(clean, severity);
      case DARKEN -> DigitalKernels.darken(clean, severity, rng);
      case CONTRAST -> DigitalKernels.contrast(clean, severity);
      case PIXELATE -> DigitalKernels.pixelate(clean, severity, rng);
      case JPEG -> DigitalKernels.jpeg(clean, severity);
      case ELASTIC -> GeometricKernels.elastic(clean, severity, rng);
      case ROTATE_TRANSLATE -> GeometricKernels.rotateTranslate(clean, severity, rng);
    };
  }

  /** The generator for one frame: a function of (seed, index, family) only. */
  static SplittableRandom random(long seed, long index, CorruptionFamily family) {
    return new SplittableRandom(mix(seed, index, family.ordinal()));
  }

  /**
   * Mixes the three inputs into one well-spread 64-bit value. Each step is a bijection of the
   * running state for a fixed new input, so frames that differ in only one argument never share a
   * stream, and neighbouring indices give unrelated streams.
   */
  static long mix(long seed, long index, int family) {
    long h = SplitMix64.mix(seed ^ SplitMix64.GOLDEN_GAMMA);
    h = SplitMix64.mix(h + index * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L);
    h = SplitMix64.mix(h ^ ((family + 1L) * 0x94D049BB133111EBL));
    return h;
  }

  /** Returns the severity's entry of a five-level parameter table. */
  static double level(double[] table, int severity) {
    return table[severity - 1];
  }

  /** How much larger than 28 pixels the shorter side of the image is. */
  static double spatialScale(Image image) {
    return Math.min(image.height(), image.width()) / REFERENCE_SIDE;
  }

  /**
   * A standard normal draw by Box-Muller from two uniforms. Written out rather than taken from
   * {@code RandomGenerator.nextGaussian()} so the stream of values stays the same across JDK
   * versions, which keeps scenario replays identical after a JDK upgrade.
   */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Narrows to float and clamps to [0,1] (NaN becomes 0). */
  static float clamp01(double v) {
    return ImageOps.clamp01((float) v);
  }

  /**
   * Per-pixel brightness plane ({@code height * width}): the plane itself for one channel, BT.601
   * luma for three, the channel mean otherwise. The result may share the input's array: read only.
   */
  static float[] luminance(Image image) {
    if (image.channels() == 1 || image.channels() == 3) {
      return ImageOps.toChannels(image, 1).pixels();
    }
    int plane = image.height() * image.width();
    float[] p = image.pixels();
    float[] out = new float[plane];
    for (int c = 0; c < image.channels(); c++) {
      for (int i = 0; i < plane; i++) {
        out[i] += p[c * plane + i];
      }
    }
    for (int i = 0; i < plane; i++) {
      out[i] /= image.channels();
    }
    return out;
  }

  /** A normalised 1-D Gaussian kernel with radius {@code ceil(3 sigma)}. */
  static float[] gaussianKernel(double sigma) {
    int radius = Math.max(1, (int) Math.ceil(3 * sigma));
    float[] k = new float[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      double v = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
      k[i + radius] = (float) v;
      sum += v;
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= (float) sum;
    }
    return k;
  }

  /**
   * Separable Gaussian blur of every plane of a CHW array, replicating edge pixels; returns a new
   * array. A sigma of zero or less returns a copy.
   */
  static float[] gaussianBlur(float[] pixels, int channels, int height, int width, double sigma) {
    if (sigma <= 0) {
      return pixels.clone();
    }
    float[] k = gaussianKernel(sigma);
    int r = k.length / 2;
    float[] tmp = new float[pixels.length];
    float[] out = new float[pixels.length];
    for (int c = 0; c < channels; c++) {
      int base = c * height * width;
      for (int y = 0; y < height; y++) {
        int row = base + y * width;
        for (int x = 0; x < width; x++) {
          float acc = 0;
          for (int j = -r; j <= r; j++) {
            acc += k[j + r] * pixels[row + clampIndex(x + j, width)];
          }
          tmp[row + x] = acc;
        }
      }
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float acc = 0;
          for (int j = -r; j <= r; j++) {
            acc += k[j + r] * tmp[base + clampIndex(y + j, height) * width + x];
          }
          out[base + y * width + x] = acc;
        }
      }
    }
    return out;
  }

  /**
   * Convolves every plane with a square, odd-sized kernel (row-major, {@code size * size}),
   * replicating edge pixels; returns a new array.
   */
  static float[] convolve(float[] pixels, int channels, int height, int width, float[] kernel, int size) {
    int r = size / 2;
    float[] out = new float[pixels.length];
    for (int c = 0; c < channels; c++) {
      int base = c * height * width;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float acc = 0;
          for (int ky = 0; ky < size; ky++) {
            int row = base + clampIndex(y + ky - r, height) * width;
            for (int kx = 0; kx < size; kx++) {
              float weight = kernel[ky * size + kx];
              if (weight != 0f) {
                acc += weight * pixels[row + clampIndex(x + kx - r, width)];
              }
            }
          }
          out[base + y * width + x] = acc;
        }
      }
    }
    return out;
  }

  static int clampIndex(int i, int size) {
    return i < 0 ? 0 : (i >= size ? size - 1 : i);
  }

  /**
   * Bilinear sample of one plane at continuous pixel coordinates (pixel centres at integers).
   *
   * @param zeroOutside whether points outside the image read as 0 (a camera that moved away from
   *     the content) or as the nearest edge pixel (a local warp that should not darken borders)
   */
  static float sampleBilinear(float[] pixels, int base, int height, int width, double y, double x, boolean zeroOutside) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    float dx = (float) (x - x0);
    float dy = (float) (y - y0);
    float v00 = at(pixels, base, height, width, y0, x0, zeroOutside);
    float v01 = at(pixels, base, height, width, y0, x0 + 1, zeroOutside);
    float v10 = at(pixels, base, height, width, y0 + 1, x0, zeroOutside);
    float v11 = at(pixels, base, height, width, y0 + 1, x0 + 1, zeroOutside);
    float top = v00 + (v01 - v00) * dx;
    float bottom = v10 + (v11 - v10) * dx;
    return top + (bottom - top) * dy;
  }

  private static float at(float[] pixels, int base, int height, int width, int y, int x, boolean zeroOutside) {
    if (y < 0 || y >= height || x < 0 || x >= width) {
      if (zeroOutside) {
        return 0f;
      }
      y = clampIndex(y, height);
      x = clampIndex(x, width);
    }
    return pixels[base + y * width + x];
  }

  /**
   * Draws a soft line segment into a {@code height * width} layer, keeping the per-pixel maximum.
   * Coverage falls off linearly over one pixel beyond {@code halfWidth} from the segment, which
   * anti-aliases streaks on tiny images.
   */
  static void drawSegment(
      float[] layer, int height, int width,
      double x0, double y0, double x1, double y1, double halfWidth, double intensity) {
    double reach = halfWidth + 1.0;
    int minX = Math.max(0, (int) Math.floor(Math.min(x0, x1) - reach));
    int maxX = Math.min(width - 1, (int) Math.ceil(Math.max(x0, x1) + reach));
    int minY = Math.max(0, (int) Math.floor(Math.min(y0, y1) - reach));
    int maxY = Math.min(height - 1, (int) Math.ceil(Math.max(y0, y1) + reach));
    double sx = x1 - x0;
    double sy = y1 - y0;
    double lengthSquared = sx * sx + sy * sy;
    for (int y = minY; y <= maxY; y++) {
      for (int x = minX; x <= maxX; x++) {
        double t = lengthSquared == 0 ? 0 : ((x - x0) * sx + (y - y0) * sy) / lengthSquared;
        t = Math.max(0, Math.min(1, t));
        double ex = x - (x0 + t * sx);
        double ey = y - (y0 + t * sy);
        double distance = Math.sqrt(ex * ex + ey * ey);
        double coverage = Math.max(0, Math.min(1, halfWidth + 0.5 - distance));
        float value = (float) (coverage * intensity);
        int i = y * width + x;
        if (value > layer[i]) {
          layer[i] = value;
        }
      }
    }
  }
}
