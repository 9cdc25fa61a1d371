package io.driftline.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Range and format checks for configuration values. Each returns the value it was given and
 * throws an {@link IllegalArgumentException} whose message is one line naming the full property
 * ({@code driftline.registry.outbox.poll-interval}), the rule and the value; Spring Boot's start-up
 * failure report prints that line as the reason, and the service exits non-zero.
 *
 * <p>Adaptation-core has no Spring, so sizes are checked as bytes ({@code DataSize.toBytes()}).
 */
public final class PropertyChecks {

  private static final Set<String> HTTP_SCHEMES = Set.of("http", "https");

  private PropertyChecks() {}

  /** Fails with {@code message} unless {@code condition} holds. */
  public static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Requires {@code value >= min}. */
  public static long atLeast(long value, long min, String property) {
    require(value >= min, property + " must be >= " + min + ", was " + value);
    return value;
  }

  /** Requires {@code value >= 1}. */
  public static int positive(int value, String property) {
    atLeast(value, 1, property);
    return value;
  }

  /** Requires a finite {@code value > 0}. */
  public static double positive(double value, String property) {
    require(value > 0 && Double.isFinite(value), property + " must be a finite number > 0, was " + value);
    return value;
  }

  /** Requires a finite {@code value} in {@code [min, max]}. */
  public static double inRange(double value, double min, double max, String property) {
    require(value >= min && value <= max, property + " must be in [" + min + ", " + max + "], was " + value);
    return value;
  }

  /** Requires a finite value. */
  public static double finite(double value, String property) {
    require(Double.isFinite(value), property + " must be a finite number, was " + value);
    return value;
  }

  /** Requires a duration longer than zero. */
  public static Duration positive(Duration value, String property) {
    require(!value.isNegative() && !value.isZero(), property + " must be longer than 0, was " + value);
    return value;
  }

  /** Requires a duration of zero or more. */
  public static Duration nonNegative(Duration value, String property) {
    require(!value.isNegative(), property + " must not be negative, was " + value);
    return value;
  }

  /** Requires text that is not empty or blank. */
  public static String notBlank(String value, String property) {
    require(!value.isBlank(), property + " must not be empty");
    return value;
  }

  /**
   * Requires an absolute {@code http://} or {@code https://} URL with a host, or, if
   * {@code emptyAllowed}, an empty value (the feature is off).
   */
  public static String httpUrl(String value, String property, boolean emptyAllowed) {
    if (value.isBlank()) {
      require(emptyAllowed, property + " must be an http:// or https:// URL, was empty");
      return value;
    }
    String rule = property + " must be an http:// or https:// URL with a host, was '" + value + "'";
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      // the reason is in the message, not a cause: Boot's failure report prints the innermost message
      throw new IllegalArgumentException(rule + " (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    require(uri.getScheme() != null && HTTP_SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
        && uri.getHost() != null && !uri.getHost().isBlank(), rule);
    return value;
  }
}
