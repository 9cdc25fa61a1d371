package io.driftline.registry.store;

import io.driftline.registry.model.Page;
import io.driftline.registry.model.RegistryException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Keyset pagination over increasing row ids. A cursor is the opaque form of the last id a page
 * returned, so rows inserted while a client pages (which get higher ids) never shift a page: no
 * row is returned twice or skipped, and new rows appear on later pages.
 */
public final class Cursors {

  /** The largest page size accepted. */
  public static final int MAX_LIMIT = 500;

  private static final String PREFIX = "after:";

  private Cursors() {}

  /** Returns the id to continue after (0 for the first page), or fails with a 400. */
  public static long decode(@Nullable String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return 0;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(PREFIX)) {
        long id = Long.parseLong(text.substring(PREFIX.length()));
        if (id >= 0) {
          return id;
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw RegistryException.badRequest(
        "cursor '" + cursor + "' is not one this registry issued; pass the nextCursor of the previous page");
  }

  /** Returns the opaque cursor for continuing after the given id. */
  public static String encode(long id) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((PREFIX + id).getBytes(StandardCharsets.UTF_8));
  }

  /** Checks a page size: 1 to {@link #MAX_LIMIT}. */
  public static int limit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw RegistryException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    return limit;
  }

  /** Makes a page from up to {@code limit + 1} keyed rows read in id order (see below). */
  public static <T> Page<T> pageOf(List<Keyed<T>> rows, int limit) {
    Page<Keyed<T>> keyed = page(rows, limit, Keyed::id);
    return new Page<>(keyed.items().stream().map(Keyed::item).toList(), keyed.nextCursor());
  }

  /**
   * A row and its id.
   *
   * @param id the row id the cursor follows
   * @param item the row
   */
  public record Keyed<T>(long id, T item) {}

  /**
   * Makes a page from up to {@code limit + 1} rows read in id order: the extra row only says that
   * there is a next page.
   */
  public static <T> Page<T> page(List<T> rows, int limit, ToLongFunction<T> id) {
    if (rows.size() <= limit) {
      return new Page<>(List.copyOf(rows), null);
    }
    List<T> items = List.copyOf(rows.subList(0, limit));
    return new Page<>(items, encode(id.applyAsLong(items.get(limit - 1))));
  }
}
