package io.driftline.core.corruption;

import io.driftline.core.image.Image;
import java.util.Locale;
import java.util.Optional;

/**
 * The corruption families Driftline can generate, each with severities 1 to 5. A corruption is a
 * pure function of (clean image, severity, seed, sample index): the same arguments always give the
 * same pixels, so a scenario can be replayed exactly.
 */
public enum CorruptionFamily {
  /** Additive Gaussian sensor noise, sigma 0.08 to 0.38. */
  GAUSSIAN_NOISE,
  /** Photon (Poisson) noise: counts of 60 down to 3 photons per unit intensity. */
  SHOT_NOISE,
  /** Salt and pepper: 3% to 27% of values set to exactly 0 or 1. */
  IMPULSE_NOISE,
  /** Out-of-focus blur with an anti-aliased disk kernel, radius 0.8 to 2.7 px at 28 px. */
  DEFOCUS_BLUR,
  /** Camera shake: averaging along a centred line at a random angle, 2 to 9.5 px long at 28 px. */
  MOTION_BLUR,
  /** A plasma-fractal haze blended in: {@code (x + s * fog) / (1 + s)}, s from 0.3 to 1.5. */
  FOG,
  /** Falling flakes over a whitened, slightly blurred scene. */
  SNOW,
  /** Bright streaks within 20 degrees of vertical over a dimmed scene. */
  RAIN,
  /** Raises the HSV value by 0.1 to 0.5 (hue and saturation kept). */
  BRIGHTNESS,
  /** Night: a dark gamma curve {@code gain * x^gamma} plus a little sensor noise. */
  DARKEN,
  /** Pulls each channel toward its mean, keeping 40% down to 5% of the spread. */
  CONTRAST,
  /** Square blocks of 2 to 6 px at 28 px holding the mean of the pixels they cover; random grid phase. */
  PIXELATE,
  /** A real JPEG encode and decode (javax.imageio) at quality 30 down to 4. */
  JPEG,
  /** A smooth random displacement field, 0.6 to 2 px RMS at 28 px, bilinearly resampled. */
  ELASTIC,
  /** Rotation by 5 to 25 degrees and a shift of 2% to 13% of the side, random direction, black fill. */
  ROTATE_TRANSLATE;

  /** Lowest severity. */
  public static final int MIN_SEVERITY = 1;

  /** Highest severity. */
  public static final int MAX_SEVERITY = 5;

  /** The name used in scenario files and reports: lower case with dashes, such as {@code gaussian-noise}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Looks a family up by its {@link #id()} (or enum name, case-insensitive). */
  public static Optional<CorruptionFamily> byId(String id) {
    String normal = id.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (CorruptionFamily family : values()) {
      if (family.name().equals(normal)) {
        return Optional.of(family);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns a corrupted copy of {@code clean}; the input is left unchanged.
   *
   * @param severity 1 (mild) to 5 (severe)
   * @param seed the scenario seed
   * @param index the sample index within the stream, so every frame gets its own noise
   * @throws IllegalArgumentException if the severity is out of range
   */
  public Image apply(Image clean, int severity, long seed, long index) {
    if (severity < MIN_SEVERITY || severity > MAX_SEVERITY) {
      throw new IllegalArgumentException(
          "severity of " + id() + " must be 1..5, got " + severity);
    }
    return CorruptionKernels.apply(this, clean, severity, seed, index);
  }
}
