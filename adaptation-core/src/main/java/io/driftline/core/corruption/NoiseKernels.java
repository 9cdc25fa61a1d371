package io.driftline.core.corruption;

import static io.driftline.core.corruption.CorruptionKernels.clamp01;
import static io.driftline.core.corruption.CorruptionKernels.level;

import io.driftline.core.image.Image;
import java.util.SplittableRandom;

/** Sensor noise: additive Gaussian, Poisson shot noise and salt-and-pepper impulses. */
final class NoiseKernels {

  /** Standard deviation of the additive noise (ImageNet-C's levels). */
  static final double[] GAUSSIAN_SIGMA = {0.08, 0.12, 0.18, 0.26, 0.38};

  /** Photons per unit intensity; fewer photons mean relatively more noise (ImageNet-C's levels). */
  static final double[] SHOT_PHOTONS = {60, 25, 12, 5, 3};

  /** Fraction of values replaced by 0 or 1 (ImageNet-C's levels). */
  static final double[] IMPULSE_AMOUNT = {0.03, 0.06, 0.09, 0.17, 0.27};

  private NoiseKernels() {}

  static Image gaussian(Image clean, int severity, SplittableRandom rng) {
    double sigma = level(GAUSSIAN_SIGMA, severity);
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = clamp01(p[i] + sigma * CorruptionKernels.gaussian(rng));
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }

  static Image shot(Image clean, int severity, SplittableRandom rng) {
    double photons = level(SHOT_PHOTONS, severity);
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      // One uniform per value, inverted through the Poisson CDF: the same draw at every severity,
      // so a frame's noise pattern only grows stronger as the photon count falls.
      double u = rng.nextDouble();
      out[i] = clamp01(poissonQuantile(u, Math.max(0.0, p[i]) * photons) / photons);
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }

  /** The smallest k with P(X <= k) >= u for X ~ Poisson(mean), by walking the CDF. */
  static int poissonQuantile(double u, double mean) {
    if (mean <= 0) {
      return 0;
    }
    double probability = Math.exp(-mean);
    double cumulative = probability;
    int k = 0;
    // exp(-mean) stays representable for the means used here (at most 60); the cap ends the walk
    // where rounding could keep the CDF just below u forever.
    int cap = (int) Math.ceil(mean + 12 * Math.sqrt(mean) + 20);
    while (u > cumulative && k < cap) {
      k++;
      probability *= mean / k;
      cumulative += probability;
    }
    return k;
  }

  static Image impulse(Image clean, int severity, SplittableRandom rng) {
    double amount = level(IMPULSE_AMOUNT, severity);
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      // Both draws are taken for every value so the hit set at a lower severity is a subset of
      // the hit set at a higher one.
      double hit = rng.nextDouble();
      double salt = rng.nextDouble();
      out[i] = hit < amount ? (salt < 0.5 ? 0f : 1f) : p[i];
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }
}
