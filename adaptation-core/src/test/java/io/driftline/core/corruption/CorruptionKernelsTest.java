package io.driftline.core.corruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.driftline.core.image.Image;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Family-specific checks: each one measures the property that makes a family what it is, from the
 * output pixels, so a plausible-looking but wrong kernel fails.
 */
class CorruptionKernelsTest {

  // ---- noise --------------------------------------------------------------------------------

  /**
   * Pins the first draws of a frame's generator. The expected values were computed outside Java from
   * the documented recipe (three SplitMix64 finalisers over seed, index and family, then a
   * SplitMix64 stream, which is what {@code SplittableRandom(seed)} produces), so a refactor of the
   * seed mixing or a JDK whose {@code SplittableRandom} changed fails here instead of silently
   * changing every scenario replay.
   */
  @Test
  void frameGeneratorFollowsTheDocumentedRecipe() {
    Object[][] cases = {
        {0L, 0L, CorruptionFamily.GAUSSIAN_NOISE, 5963007737967599819L, -6170866827827302913L},
        {42L, 7L, CorruptionFamily.MOTION_BLUR, 7355158974566989862L, -6159032846673676582L},
        {-1L, 123456789L, CorruptionFamily.ROTATE_TRANSLATE, 6870738247472883857L, -2085625125779655487L},
    };
    for (Object[] c : cases) {
      SplittableRandom rng = CorruptionKernels.random((long) c[0], (long) c[1], (CorruptionFamily) c[2]);
      assertThat(rng.nextLong()).as("first draw for %s", Arrays.toString(c)).isEqualTo(c[3]);
      assertThat(rng.nextLong()).as("second draw for %s", Arrays.toString(c)).isEqualTo(c[4]);
    }
  }

  @Test
  void gaussianNoiseHasTheTableSigmaAndItGrowsWithSeverity() {
    Image grey = constant(1, 64, 64, 0.5f);
    double previous = 0;
    for (int severity = 1; severity <= 5; severity++) {
      Image out = CorruptionFamily.GAUSSIAN_NOISE.apply(grey, severity, 8, 0);
      double std = std(out.pixels());
      assertThat(std).as("severity %d", severity).isGreaterThan(previous);
      previous = std;
      if (severity <= 2) {
        // Far from the clamp at 0 and 1, the spread is the table's sigma and the mean stays put.
        assertThat(std).isCloseTo(NoiseKernels.GAUSSIAN_SIGMA[severity - 1], within(0.008));
        assertThat(mean(out.pixels())).isCloseTo(0.5, within(0.01));
      }
    }
  }

  @Test
  void shotNoiseIsPoissonCountsOverThePhotonNumber() {
    float level = 0.4f;
    Image grey = constant(1, 64, 64, level);
    Image mild = CorruptionFamily.SHOT_NOISE.apply(grey, 1, 3, 0);
    double photons = NoiseKernels.SHOT_PHOTONS[0];
    // Poisson(level * photons) / photons: unbiased with variance level / photons.
    assertThat(mean(mild.pixels())).isCloseTo(level, within(0.006));
    assertThat(variance(mild.pixels())).isCloseTo(level / photons, within(0.15 * level / photons));

    Image severe = CorruptionFamily.SHOT_NOISE.apply(grey, 5, 3, 0);
    double fewPhotons = NoiseKernels.SHOT_PHOTONS[4];
    for (float v : severe.pixels()) {
      double counts = v * fewPhotons;
      assertThat(v == 1f || Math.abs(counts - Math.rint(counts)) < 1e-5)
          .as("%f is a whole number of photons / %f", v, fewPhotons).isTrue();
    }
    assertThat(mean(severe.pixels())).isCloseTo(level, within(0.03));
  }

  @Test
  void poissonQuantileMatchesTheCdf() {
    // P(X=0)=e^-2=0.1353, P(X<=1)=0.4060, P(X<=2)=0.6767 for mean 2.
    assertThat(NoiseKernels.poissonQuantile(0.10, 2)).isZero();
    assertThat(NoiseKernels.poissonQuantile(0.30, 2)).isEqualTo(1);
    assertThat(NoiseKernels.poissonQuantile(0.60, 2)).isEqualTo(2);
    assertThat(NoiseKernels.poissonQuantile(0.70, 2)).isEqualTo(3);
    assertThat(NoiseKernels.poissonQuantile(0.99, 0)).isZero();
  }

  @Test
  void impulseNoiseSetsTheTableFractionToExactlyZeroOrOne() {
    SplittableRandom random = new SplittableRandom(5);
    float[] pixels = new float[3 * 64 * 64];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = 0.2f + 0.6f * (float) random.nextDouble();
    }
    Image clean = Image.wrap(3, 64, 64, pixels);
    for (int severity = 1; severity <= 5; severity++) {
      Image out = CorruptionFamily.IMPULSE_NOISE.apply(clean, severity, 1, 2);
      int salt = 0;
      int pepper = 0;
      for (int i = 0; i < pixels.length; i++) {
        float v = out.pixels()[i];
        if (v == 0f) {
          pepper++;
        } else if (v == 1f) {
          salt++;
        } else {
          assertThat(v).isEqualTo(pixels[i]);
        }
      }
      double amount = NoiseKernels.IMPULSE_AMOUNT[severity - 1];
      assertThat((salt + pepper) / (double) pixels.length).as("severity %d", severity)
          .isCloseTo(amount, within(0.015));
      assertThat(salt / (double) (salt + pepper)).isCloseTo(0.5, within(0.1));
    }
  }

  // ---- blur ---------------------------------------------------------------------------------

  @Test
  void blursRemoveHighFrequenciesAndKeepFlatAreas() {
    Image textured = randomImage(1, 32, 32, 17);
    Image flat = constant(3, 20, 24, 0.37f);
    for (CorruptionFamily family : new CorruptionFamily[] {CorruptionFamily.DEFOCUS_BLUR, CorruptionFamily.MOTION_BLUR}) {
      double previous = highFrequencyEnergy(textured);
      for (int severity = 1; severity <= 5; severity++) {
        double energy = highFrequencyEnergy(family.apply(textured, severity, 4, 4));
        assertThat(energy).as("%s severity %d", family, severity).isLessThan(previous);
        previous = energy;
        for (float v : family.apply(flat, severity, 4, 4).pixels()) {
          assertThat(v).isCloseTo(0.37f, within(1e-5f));
        }
      }
    }
  }

  @Test
  void motionBlurSmearsAPointAlongALineButDefocusSpreadsItEvenly() {
    Image dot = Image.zeros(1, 41, 41);
    dot.pixels()[20 * 41 + 20] = 1f;
    for (int k = 0; k < 4; k++) {
      double[] motion = principalSpreads(CorruptionFamily.MOTION_BLUR.apply(dot, 5, 6, k));
      assertThat(motion[0] / motion[1]).as("motion blur, index %d", k).isGreaterThan(4);
    }
    double[] defocus = principalSpreads(CorruptionFamily.DEFOCUS_BLUR.apply(dot, 5, 6, 0));
    assertThat(defocus[0] / defocus[1]).isCloseTo(1.0, within(0.05));
    // The disk's spread grows with its radius: variance of a uniform disk is r^2 / 4 per axis.
    double radius = BlurKernels.DEFOCUS_RADIUS[4] * 41 / 28.0;
    assertThat(defocus[0]).isCloseTo(radius * radius / 4, within(0.25 * radius * radius / 4));
  }

  // ---- weather ------------------------------------------------------------------------------

  @Test
  void fogIsASmoothVeilBoundedByItsStrength() {
    Image black = Image.zeros(1, 32, 32);
    for (int severity = 1; severity <= 5; severity++) {
      Image out = CorruptionFamily.FOG.apply(black, severity, 9, 1);
      double strength = WeatherKernels.FOG_STRENGTH[severity - 1];
      assertThat(max(out.pixels())).isLessThanOrEqualTo((float) (strength / (1 + strength) + 1e-6));
      assertThat(std(out.pixels())).as("fog varies in space").isGreaterThan(0.02);
      // A fractal field is smooth: neighbours are strongly correlated, unlike white noise.
      assertThat(neighbourCorrelation(out)).isGreaterThan(0.5);
    }
    Image white = constant(1, 32, 32, 1f);
    double strength = WeatherKernels.FOG_STRENGTH[4];
    for (float v : CorruptionFamily.FOG.apply(white, 5, 9, 1).pixels()) {
      assertThat(v).isGreaterThanOrEqualTo((float) (1 / (1 + strength) - 1e-6));
    }
  }

  @Test
  void plasmaIsNormalisedToTheUnitRange() {
    float[] map = WeatherKernels.plasma(32, 2.0, new SplittableRandom(3));
    assertThat(min(map)).isZero();
    assertThat(max(map)).isEqualTo(1f);
  }

  @Test
  void snowAddsMoreBrightFlakesAtHigherSeverity() {
    Image black = Image.zeros(1, 48, 48);
    int previousFlakes = 0;
    double previousMean = 0;
    for (int severity = 1; severity <= 5; severity++) {
      Image out = CorruptionFamily.SNOW.apply(black, severity, 12, 3);
      int flakes = 0;
      for (float v : out.pixels()) {
        flakes += v > 0.5f ? 1 : 0;
      }
      assertThat(flakes).as("severity %d", severity).isGreaterThan(previousFlakes);
      assertThat(mean(out.pixels())).isGreaterThan(previousMean);
      previousFlakes = flakes;
      previousMean = mean(out.pixels());
    }
  }

  @Test
  void rainDrawsNearlyVerticalStreaksAndDimsTheScene() {
    Image black = Image.zeros(1, 56, 56);
    for (int k = 0; k < 4; k++) {
      Image out = CorruptionFamily.RAIN.apply(black, 5, 21, k);
      // Three pixels apart (beyond a streak's width but within its length), pixels on the
      // same streak line up vertically, not horizontally.
      assertThat(lagCorrelation(out, 3, 0)).as("index %d", k).isGreaterThan(0.3);
      assertThat(lagCorrelation(out, 0, 3)).as("index %d", k).isLessThan(0.15);
    }
    Image grey = constant(1, 56, 56, 0.9f);
    assertThat(mean(CorruptionFamily.RAIN.apply(grey, 5, 21, 0).pixels())).isLessThan(0.9 * 0.9);
  }

  // ---- light and digital --------------------------------------------------------------------

  @Test
  void brightnessRaisesGreyByTheShiftAndKeepsColourHue() {
    Image grey = TestImages.rampWithBox(28, 28);
    for (int severity = 1; severity <= 5; severity++) {
      Image out = CorruptionFamily.BRIGHTNESS.apply(grey, severity, 0, 0);
      double shift = DigitalKernels.BRIGHTNESS_SHIFT[severity - 1];
      for (int i = 0; i < grey.size(); i++) {
        assertThat(out.pixels()[i]).isCloseTo((float) Math.min(1, grey.pixels()[i] + shift), within(1e-6f));
      }
    }
    Image colour = TestImages.colour(32, 32);
    Image out = CorruptionFamily.BRIGHTNESS.apply(colour, 2, 0, 0);
    assertThat(mean(out.pixels())).isGreaterThan(mean(colour.pixels()));
    int plane = 32 * 32;
    for (int i = 0; i < plane; i++) {
      float r = colour.pixels()[i];
      float g = colour.pixels()[plane + i];
      float b = colour.pixels()[2 * plane + i];
      float value = Math.max(r, Math.max(g, b));
      float outR = out.pixels()[i];
      float outG = out.pixels()[plane + i];
      float outB = out.pixels()[2 * plane + i];
      assertThat(Math.max(outR, Math.max(outG, outB))).isCloseTo(Math.min(1f, value + 0.2f), within(1e-5f));
      // HSV brightness keeps hue and saturation: channel ratios do not change.
      assertThat(outR * g).isCloseTo(outG * r, within(1e-5f));
      assertThat(outB * r).isCloseTo(outR * b, within(1e-5f));
    }
  }

  @Test
  void darkenLowersTheMeanFurtherAtEverySeverity() {
    Image clean = TestImages.rampWithBox(28, 28);
    double previous = mean(clean.pixels());
    for (int severity = 1; severity <= 5; severity++) {
      double m = 0;
      for (int k = 0; k < 4; k++) {
        m += mean(CorruptionFamily.DARKEN.apply(clean, severity, 1, k).pixels()) / 4;
      }
      assertThat(m).as("severity %d", severity).isLessThan(previous);
      previous = m;
    }
    // Night: a mid-grey becomes dark, not just slightly dimmer.
    Image grey = constant(1, 32, 32, 0.5f);
    assertThat(mean(CorruptionFamily.DARKEN.apply(grey, 5, 1, 0).pixels())).isLessThan(0.1);
  }

  @Test
  void contrastShrinksEachChannelAroundItsOwnMean() {
    Image grey = TestImages.rampWithBox(28, 28);
    for (int severity = 1; severity <= 5; severity++) {
      Image out = CorruptionFamily.CONTRAST.apply(grey, severity, 0, 0);
      double factor = DigitalKernels.CONTRAST_FACTOR[severity - 1];
      assertThat(std(out.pixels()) / std(grey.pixels())).isCloseTo(factor, within(1e-4));
      assertThat(mean(out.pixels())).isCloseTo(mean(grey.pixels()), within(1e-5));
    }
    Image colour = TestImages.colour(32, 32);
    Image out = CorruptionFamily.CONTRAST.apply(colour, 3, 0, 0);
    for (int c = 0; c < 3; c++) {
      assertThat(mean(channel(out, c))).as("channel %d", c).isCloseTo(mean(channel(colour, c)), within(1e-4));
    }
    // The channels' own means differ, so one global mean would fail the check above.
    assertThat(mean(channel(colour, 0))).isNotCloseTo(mean(channel(colour, 2)), within(0.05));
  }

  @Test
  void pixelateMakesBlocksOfTheTableSizeHoldingTheBlockMean() {
    Image clean = randomImage(1, 30, 28, 99);
    for (int severity = 1; severity <= 5; severity++) {
      for (int k = 0; k < 3; k++) {
        Image out = CorruptionFamily.PIXELATE.apply(clean, severity, 5, k);
        int block = (int) DigitalKernels.PIXELATE_BLOCK[severity - 1];
        // Rows: every run of equal values between the first and the last is exactly one block.
        for (int y = 0; y < 30; y++) {
          assertInteriorRuns(rowOf(out, y), block, "severity " + severity + " row " + y);
        }
        for (int x = 0; x < 28; x++) {
          assertInteriorRuns(columnOf(out, x), block, "severity " + severity + " column " + x);
        }
        // Blocks hold means, so the image mean is kept.
        assertThat(mean(out.pixels())).isCloseTo(mean(clean.pixels()), within(1e-5));
      }
    }
  }

  @Test
  void jpegOutputIsEightBitAndBlockyAtLowQuality() {
    float[] pixels = new float[32 * 32];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        pixels[y * 32 + x] = 0.1f + 0.8f * (x + y) / 62f;
      }
    }
    Image smooth = Image.wrap(1, 32, 32, pixels);
    Image out = CorruptionFamily.JPEG.apply(smooth, 5, 0, 0);
    for (float v : out.pixels()) {
      assertThat(Math.abs(v * 255 - Math.rint(v * 255))).isLessThan(1e-3f);
    }
    // 8x8 DCT blocks: the jumps across block borders exceed the steps inside a block.
    double across = 0;
    double inside = 0;
    int nAcross = 0;
    int nInside = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x + 1 < 32; x++) {
        double step = Math.abs(out.get(0, y, x + 1) - out.get(0, y, x));
        if (x % 8 == 7) {
          across += step;
          nAcross++;
        } else {
          inside += step;
          nInside++;
        }
      }
    }
    assertThat(across / nAcross).isGreaterThan(1.5 * inside / nInside);
    Image colour = CorruptionFamily.JPEG.apply(TestImages.colour(32, 32), 3, 0, 0);
    assertThat(colour.channels()).isEqualTo(3);
    assertThat(CorruptionFamilyTest.meanAbsoluteDifference(colour, TestImages.colour(32, 32))).isGreaterThan(0.01);
  }

  // ---- geometry -----------------------------------------------------------------------------

  @Test
  void elasticDisplacesByTheTableAmountWithASmoothField() {
    int size = 48;
    Image flat = constant(2, size, size, 0.6f);
    for (float v : CorruptionFamily.ELASTIC.apply(flat, 5, 1, 1).pixels()) {
      assertThat(v).isCloseTo(0.6f, within(1e-6f));
    }
    // On a linear ramp, bilinear resampling is exact, so the output reveals the displacement.
    float[] horizontal = new float[size * size];
    float[] vertical = new float[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        horizontal[y * size + x] = x / (size - 1f);
        vertical[y * size + x] = y / (size - 1f);
      }
    }
    for (int severity = 1; severity <= 5; severity += 2) {
      Image dxImage = CorruptionFamily.ELASTIC.apply(Image.wrap(1, size, size, horizontal), severity, 4, 2);
      Image dyImage = CorruptionFamily.ELASTIC.apply(Image.wrap(1, size, size, vertical), severity, 4, 2);
      int margin = 8;
      int inner = size - 2 * margin;
      float[] dx = new float[inner * inner];
      double sumSquares = 0;
      for (int y = margin; y < size - margin; y++) {
        for (int x = margin; x < size - margin; x++) {
          double ddx = dxImage.get(0, y, x) * (size - 1) - x;
          double ddy = dyImage.get(0, y, x) * (size - 1) - y;
          dx[(y - margin) * inner + (x - margin)] = (float) ddx;
          sumSquares += ddx * ddx + ddy * ddy;
        }
      }
      double rms = Math.sqrt(sumSquares / (inner * inner));
      double expected = GeometricKernels.ELASTIC_DISPLACEMENT[severity - 1] * size / 28.0;
      assertThat(rms).as("severity %d", severity).isCloseTo(expected, within(0.3 * expected));
      assertThat(neighbourCorrelation(Image.wrap(1, inner, inner, dx))).isGreaterThan(0.8);
    }
  }

  @Test
  void rotateTranslateTurnsAndMovesABarByTheTableAmounts() {
    int size = 41;
    Image bar = Image.zeros(1, size, size);
    for (int y = 19; y <= 21; y++) {
      for (int x = 10; x <= 30; x++) {
        bar.pixels()[y * size + x] = 1f;
      }
    }
    boolean sawClockwise = false;
    boolean sawCounterClockwise = false;
    for (int severity = 1; severity <= 5; severity++) {
      for (int k = 0; k < 6; k++) {
        Image out = CorruptionFamily.ROTATE_TRANSLATE.apply(bar, severity, 3, k);
        double[] m = moments(out);
        double angle = Math.toDegrees(0.5 * Math.atan2(2 * m[4], m[3] - m[5]));
        assertThat(Math.abs(angle)).as("severity %d index %d", severity, k)
            .isCloseTo(GeometricKernels.ROTATE_DEGREES[severity - 1], within(1.0));
        double shift = Math.hypot(m[1] - 20, m[2] - 20);
        assertThat(shift).as("severity %d index %d", severity, k)
            .isCloseTo(GeometricKernels.SHIFT_FRACTION[severity - 1] * size, within(0.3));
        assertThat(m[0]).isCloseTo(21 * 3, within(0.03 * 21 * 3));
        sawClockwise |= angle > 0;
        sawCounterClockwise |= angle < 0;
      }
    }
    assertThat(sawClockwise && sawCounterClockwise).as("both rotation directions occur").isTrue();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static void assertInteriorRuns(float[] line, int block, String what) {
    int start = 0;
    int runs = 0;
    for (int i = 1; i <= line.length; i++) {
      if (i == line.length || line[i] != line[i - 1]) {
        boolean interior = start > 0 && i < line.length;
        if (interior) {
          assertThat(i - start).as(what + " run at " + start).isEqualTo(block);
        } else {
          assertThat(i - start).as(what + " edge run at " + start).isBetween(1, block);
        }
        runs++;
        start = i;
      }
    }
    assertThat(runs).as(what).isLessThanOrEqualTo(line.length / block + 2);
  }

  private static float[] rowOf(Image image, int y) {
    float[] row = new float[image.width()];
    for (int x = 0; x < image.width(); x++) {
      row[x] = image.get(0, y, x);
    }
    return row;
  }

  private static float[] columnOf(Image image, int x) {
    float[] column = new float[image.height()];
    for (int y = 0; y < image.height(); y++) {
      column[y] = image.get(0, y, x);
    }
    return column;
  }

  private static float[] channel(Image image, int c) {
    int plane = image.height() * image.width();
    float[] out = new float[plane];
    System.arraycopy(image.pixels(), c * plane, out, 0, plane);
    return out;
  }

  /** Total mass, centroid x, centroid y, and central moments mu20, mu11, mu02 of the first plane. */
  private static double[] moments(Image image) {
    double mass = 0;
    double sx = 0;
    double sy = 0;
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        double v = image.get(0, y, x);
        mass += v;
        sx += v * x;
        sy += v * y;
      }
    }
    double cx = sx / mass;
    double cy = sy / mass;
    double mu20 = 0;
    double mu11 = 0;
    double mu02 = 0;
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        double v = image.get(0, y, x);
        mu20 += v * (x - cx) * (x - cx);
        mu11 += v * (x - cx) * (y - cy);
        mu02 += v * (y - cy) * (y - cy);
      }
    }
    return new double[] {mass, cx, cy, mu20 / mass, mu11 / mass, mu02 / mass};
  }

  /** Larger and smaller eigenvalue of the intensity-weighted covariance of pixel positions. */
  private static double[] principalSpreads(Image image) {
    double[] m = moments(image);
    double trace = m[3] + m[5];
    double det = m[3] * m[5] - m[4] * m[4];
    double root = Math.sqrt(Math.max(0, trace * trace / 4 - det));
    return new double[] {trace / 2 + root, trace / 2 - root};
  }

  private static double highFrequencyEnergy(Image image) {
    double sum = 0;
    for (int c = 0; c < image.channels(); c++) {
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x + 1 < image.width(); x++) {
          double d = image.get(c, y, x + 1) - image.get(c, y, x);
          sum += d * d;
        }
      }
      for (int y = 0; y + 1 < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          double d = image.get(c, y + 1, x) - image.get(c, y, x);
          sum += d * d;
        }
      }
    }
    return sum;
  }

  /** Pearson correlation between horizontally adjacent values of the first plane. */
  private static double neighbourCorrelation(Image image) {
    return lagCorrelation(image, 0, 1);
  }

  /** Pearson correlation between values of the first plane {@code dy} rows and {@code dx} columns apart. */
  private static double lagCorrelation(Image image, int dy, int dx) {
    int n = 0;
    double sa = 0;
    double sb = 0;
    double saa = 0;
    double sbb = 0;
    double sab = 0;
    for (int y = 0; y + dy < image.height(); y++) {
      for (int x = 0; x + dx < image.width(); x++) {
        double a = image.get(0, y, x);
        double b = image.get(0, y + dy, x + dx);
        n++;
        sa += a;
        sb += b;
        saa += a * a;
        sbb += b * b;
        sab += a * b;
      }
    }
    double cov = sab / n - (sa / n) * (sb / n);
    double va = saa / n - (sa / n) * (sa / n);
    double vb = sbb / n - (sb / n) * (sb / n);
    return cov / Math.sqrt(va * vb);
  }

  private static Image constant(int channels, int height, int width, float value) {
    float[] p = new float[channels * height * width];
    java.util.Arrays.fill(p, value);
    return Image.wrap(channels, height, width, p);
  }

  private static Image randomImage(int channels, int height, int width, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] p = new float[channels * height * width];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) random.nextDouble();
    }
    return Image.wrap(channels, height, width, p);
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static double variance(float[] values) {
    double m = mean(values);
    double sum = 0;
    for (float v : values) {
      sum += (v - m) * (v - m);
    }
    return sum / values.length;
  }

  private static double std(float[] values) {
    return Math.sqrt(variance(values));
  }

  private static float max(float[] values) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static float min(float[] values) {
    float m = Float.POSITIVE_INFINITY;
    for (float v : values) {
      m = Math.min(m, v);
    }
    return m;
  }
}
