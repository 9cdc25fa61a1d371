package io.driftline.teacher.adapt;

import java.util.SplittableRandom;

/** Seeded synthetic student features: Gaussian classes around fixed means, per-domain distortion. */
final class SyntheticDomains {

  static final int FEATURES = 16;
  static final int CLASSES = 4;

  private final float[][] means = new float[CLASSES][FEATURES];

  SyntheticDomains(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (float[] m : means) {
      for (int i = 0; i < FEATURES; i++) {
        m[i] = (float) (2 * r.nextDouble() - 1) * 2f;
      }
    }
  }

  /** Samples of a domain; {@code shift} moves every feature, {@code gain} scales the means. */
  Sample sample(int n, double gain, double shift, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] x = new float[n][FEATURES];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % CLASSES;
      for (int f = 0; f < FEATURES; f++) {
        double g = r.nextGaussian();
        x[i][f] = (float) (gain * means[y[i]][f] + shift + noise * g);
      }
    }
    return new Sample(x, y);
  }

  record Sample(float[][] features, int[] labels) {}
}
