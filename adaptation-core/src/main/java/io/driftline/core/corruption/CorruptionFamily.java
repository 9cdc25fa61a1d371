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
  GAUSSIAN_NOISE,
  SHOT_NOISE,
  IMPULSE_NOISE,
  DEFOCUS_BLUR,
  MOTION_BLUR,
  FOG,
  SNOW,
  RAIN,
  BRIGHTNESS,
  DARKEN,
  CONTRAST,
  PIXELATE,
  JPEG,
  ELASTIC,
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
