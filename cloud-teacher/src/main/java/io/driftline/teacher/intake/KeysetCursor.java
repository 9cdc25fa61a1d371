package io.driftline.teacher.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The position after the last row of a page, for keyset paging newest first: the row's time and
 * id, as an opaque URL-safe string ({@code base64url("<instant>|<id>")}).
 *
 * @param at the last row's time
 * @param id the last row's id (the tie-breaker)
 */
public record KeysetCursor(Instant at, String id) {

  /** The cursor as the API hands it out. */
  public String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a cursor the API handed out.
   *
   * @throws IllegalArgumentException if {@code cursor} is not one this service issued
   */
  public static KeysetCursor decode(String cursor) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
      return new KeysetCursor(Instant.parse(parts[0]), parts[1]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cursor '" + cursor + "' is not a cursor this service issued");
    }
  }
}
