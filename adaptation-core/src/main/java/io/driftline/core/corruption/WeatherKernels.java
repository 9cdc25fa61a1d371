package io.driftline.core.corruption;

import static io.driftline.core.corruption.CorruptionKernels.clamp01;
import static io.driftline.core.corruption.CorruptionKernels.level;
import static io.driftline.core.corruption.CorruptionKernels.spatialScale;

import io.driftline.core.image.Image;
import java.util.SplittableRandom;

/** Weather: fog (a fractal haze), snow (flakes over a whitened, softened scene) and rain (streaks). */
final class WeatherKernels {

  /** Weight of the fog field against the scene: {@code out = (x + s * fog) / (1 + s)}. */
  static final double[] FOG_STRENGTH = {0.3, 0.5, 0.8, 1.1, 1.5};

  /**
   * Amplitude ratio between successive octaves of the plasma fractal. Fixed across severities so
   * the fog's shape stays the same and only its density grows.
   */
  static final double FOG_ROUGHNESS_DECAY = 2.0;

  /** Fraction of pixels that start a snowflake at 28 px (divided by the area scale above that). */
  static final double[] SNOW_DENSITY = {0.015, 0.03, 0.045, 0.065, 0.09};

  /** Length of a falling flake's streak in pixels at 28 px. */
  static final double[] SNOW_FLAKE_LENGTH = {0.8, 1.2, 1.6, 2.0, 2.5};

  /** Weight of the whitened scene ({@code max(x, 1.5 * luma + 0.5)}) mixed into the image. */
  static final double[] SNOW_WHITEN = {0.15, 0.22, 0.3, 0.36, 0.45};

  /** Gaussian blur sigma in pixels at 28 px: snow softens the scene slightly. */
  static final double[] SNOW_BLUR = {0.3, 0.4, 0.5, 0.6, 0.7};

  /** Rain streaks per pixel at 28 px (divided by the area scale above that). */
  static final double[] RAIN_DENSITY = {0.006, 0.01, 0.015, 0.02, 0.03};

  /** Streak length in pixels at 28 px. */
  static final double[] RAIN_LENGTH = {3, 4, 5, 6, 7};

  /** Opacity of a streak. */
  static final double[] RAIN_OPACITY = {0.45, 0.5, 0.55, 0.6, 0.65};

  /** Factor the scene is dimmed by under an overcast sky. */
  static final double[] RAIN_DIM = {0.95, 0.9, 0.85, 0.8, 0.75};

  /** Intensity of the light a streak reflects. */
  static final double RAIN_STREAK_VALUE = 0.85;

  /** Largest angle of the rain from the vertical, in degrees. */
  static final double RAIN_MAX_TILT_DEGREES = 20;

  private WeatherKernels() {}

  static Image fog(Image clean, int severity, SplittableRandom rng) {
    double strength = level(FOG_STRENGTH, severity);
    int h = clean.height();
    int w = clean.width();
    int n = 2;
    while (n < Math.max(h, w)) {
      n *= 2;
    }
    float[] field = plasma(n, FOG_ROUGHNESS_DECAY, rng);
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    int plane = h * w;
    for (int c = 0; c < clean.channels(); c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = c * plane + y * w + x;
          out[i] = clamp01((p[i] + strength * field[y * n + x]) / (1 + strength));
        }
      }
    }
    return Image.wrap(clean.channels(), h, w, out);
  }

  /**
   * A toroidal diamond-square (plasma) fractal on an {@code n * n} grid, {@code n} a power of two,
   * normalised to [0,1]: coarse octaves give large banks of fog, fine ones their ragged edges.
   */
  static float[] plasma(int n, double decay, SplittableRandom rng) {
    float[] map = new float[n * n];
    double amplitude = 1.0;
    int mask = n - 1;
    for (int step = n; step >= 2; step /= 2) {
      int half = step / 2;
      for (int y = 0; y < n; y += step) {
        for (int x = 0; x < n; x += step) {
          double mean = (map[y * n + x]
                  + map[y * n + ((x + step) & mask)]
                  + map[((y + step) & mask) * n + x]
                  + map[((y + step) & mask) * n + ((x + step) & mask)]) / 4;
          map[(y + half) * n + x + half] = (float) (mean + amplitude * (2 * rng.nextDouble() - 1));
        }
      }
      for (int y = 0; y < n; y += half) {
        int start = (y / half) % 2 == 0 ? half : 0;
        for (int x = start; x < n; x += step) {
          double mean = (map[((y - half) & mask) * n + x]
                  + map[((y + half) & mask) * n + x]
                  + map[y * n + ((x - half) & mask)]
                  + map[y * n + ((x + half) & mask)]) / 4;
          map[y * n + x] = (float) (mean + amplitude * (2 * rng.nextDouble() - 1));
        }
      }
      amplitude /= decay;
    }
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float range = max - min;
    for (int i = 0; i < map.length; i++) {
      map[i] = range > 0 ? (map[i] - min) / range : 0.5f;
    }
    return map;
  }

  static Image snow(Image clean, int severity, SplittableRandom rng) {
    int h = clean.height();
    int w = clean.width();
    int plane = h * w;
    double scale = spatialScale(clean);
    // Flakes grow with the image, so their number per pixel shrinks with the area scale and the
    // sheet looks alike at every resolution.
    double density = level(SNOW_DENSITY, severity) / (scale * scale);
    double flakeLength = level(SNOW_FLAKE_LENGTH, severity) * scale;
    double whiten = level(SNOW_WHITEN, severity);

    // Flakes fall within 45 degrees of straight down, all in the same wind.
    double fall = Math.toRadians(90 + (rng.nextDouble() * 90 - 45));
    double fx = Math.cos(fall);
    double fy = Math.sin(fall);
    float[] flakes = new float[plane];
    double halfWidth = 0.35 * scale;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Four draws per pixel at every severity, so the flakes of a lower severity stay in place
        // at a higher one and new ones are only added.
        double start = rng.nextDouble();
        double jitterX = rng.nextDouble();
        double jitterY = rng.nextDouble();
        double brightness = 0.7 + 0.3 * rng.nextDouble();
        if (start < density) {
          double cx = x + jitterX - 0.5;
          double cy = y + jitterY - 0.5;
          CorruptionKernels.drawSegment(flakes, h, w,
              cx - fx * flakeLength / 2, cy - fy * flakeLength / 2,
              cx + fx * flakeLength / 2, cy + fy * flakeLength / 2,
              halfWidth, brightness);
        }
      }
    }

    float[] p = clean.pixels();
    float[] luma = CorruptionKernels.luminance(clean);
    float[] whitened = new float[p.length];
    for (int c = 0; c < clean.channels(); c++) {
      for (int i = 0; i < plane; i++) {
        float v = p[c * plane + i];
        whitened[c * plane + i] = (float) ((1 - whiten) * v + whiten * Math.max(v, Math.min(1.0, 1.5 * luma[i] + 0.5)));
      }
    }
    float[] soft = CorruptionKernels.gaussianBlur(
        whitened, clean.channels(), h, w, level(SNOW_BLUR, severity) * scale);
    float[] out = new float[p.length];
    for (int c = 0; c < clean.channels(); c++) {
      for (int i = 0; i < plane; i++) {
        float v = soft[c * plane + i];
        // Screen blend: a flake lightens toward white but never overshoots.
        out[c * plane + i] = clamp01(1 - (1 - v) * (1 - flakes[i]));
      }
    }
    return Image.wrap(clean.channels(), h, w, out);
  }

  static Image rain(Image clean, int severity, SplittableRandom rng) {
    int h = clean.height();
    int w = clean.width();
    int plane = h * w;
    double scale = spatialScale(clean);
    double length = level(RAIN_LENGTH, severity) * scale;
    double opacity = level(RAIN_OPACITY, severity);
    double dim = level(RAIN_DIM, severity);

    double tilt = Math.toRadians((2 * rng.nextDouble() - 1) * RAIN_MAX_TILT_DEGREES);
    double dx = Math.sin(tilt);
    double dy = Math.cos(tilt);
    // The candidate streaks are drawn for the highest severity; a severity uses a prefix of them,
    // so the streaks of a lower severity are kept when it rises.
    double area = plane / (scale * scale);
    int candidates = (int) Math.ceil(RAIN_DENSITY[RAIN_DENSITY.length - 1] * area);
    int used = (int) Math.ceil(level(RAIN_DENSITY, severity) * area);
    float[] streaks = new float[plane];
    double halfWidth = 0.3 * scale;
    for (int d = 0; d < candidates; d++) {
      double cx = rng.nextDouble() * w - 0.5;
      double cy = rng.nextDouble() * h - 0.5;
      double stretch = 0.75 + 0.5 * rng.nextDouble();
      double intensity = 0.8 + 0.2 * rng.nextDouble();
      if (d < used) {
        double half = length * stretch / 2;
        CorruptionKernels.drawSegment(streaks, h, w,
            cx - dx * half, cy - dy * half, cx + dx * half, cy + dy * half, halfWidth, intensity);
      }
    }

    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int c = 0; c < clean.channels(); c++) {
      for (int i = 0; i < plane; i++) {
        double alpha = opacity * streaks[i];
        out[c * plane + i] = clamp01(p[c * plane + i] * dim * (1 - alpha) + RAIN_STREAK_VALUE * alpha);
      }
    }
    return Image.wrap(clean.channels(), h, w, out);
  }
}
