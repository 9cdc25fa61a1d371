package io.driftline.core.events;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Argument checks shared by the event records; every message names the field. */
final class Checks {

  /** Longest id (in chars) an event accepts; ids travel in keys, headers and log lines. */
  static final int MAX_ID_CHARS = 256;

  private Checks() {}

  static <T> T required(@Nullable T value, String field) {
    return Objects.requireNonNull(value, () -> field + " is required");
  }

  static String id(@Nullable String nullable, String field) {
    String value = required(nullable, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (value.length() > MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          field + " is " + value.length() + " chars long, at most " + MAX_ID_CHARS + " allowed");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            field + " contains a control character at index " + i + "; ids must be printable");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        // A lone surrogate has no UTF-8 encoding; writing it would silently turn it into '?'.
        throw new IllegalArgumentException(
            field + " contains an unpaired UTF-16 surrogate at index " + i + "; it is not valid Unicode");
      }
    }
    return value;
  }

  static @Nullable String optionalId(@Nullable String value, String field) {
    return value == null ? null : id(value, field);
  }

  static long nonNegative(long value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + value);
    }
    return value;
  }

  static double finite(double value, String field) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(field + " must be a finite number, got " + value);
    }
    return value;
  }

  static double inRange(double value, double min, double max, String field) {
    finite(value, field);
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /** Percent-encodes an id for use as one path segment of a CloudEvents source URI reference. */
  static String pathSegment(String id) {
    StringBuilder out = new StringBuilder(id.length());
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~';
      if (unreserved) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
