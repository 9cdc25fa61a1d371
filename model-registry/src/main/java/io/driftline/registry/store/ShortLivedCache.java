package io.driftline.registry.store;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Remembers positive answers for a short time, so the hot download path does not ask PostgreSQL the
 * same question for every request. Entries expire after the time to live; the whole cache is dropped
 * when it grows past its size limit. Callers remove entries themselves when they know an answer changed
 * (a revoked device), so only other registry instances see the old answer, for at most the time to live.
 */
public final class ShortLivedCache<K, V> {

  private final long ttlNanos;
  private final int maxEntries;
  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

  /** Creates a cache whose entries live for {@code ttl}. */
  public ShortLivedCache(Duration ttl, int maxEntries) {
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  /** Returns the remembered value, or null if absent or expired. */
  public @Nullable V get(K key) {
    Entry<V> e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (System.nanoTime() - e.storedAt() > ttlNanos) {
      entries.remove(key, e);
      return null;
    }
    return e.value();
  }

  /** Remembers a value. */
  public void put(K key, V value) {
    if (ttlNanos <= 0) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.clear();
    }
    entries.put(key, new Entry<>(value, System.nanoTime()));
  }

  /** Forgets every entry whose value matches. */
  public void removeIf(Predicate<V> matches) {
    entries.values().removeIf(e -> matches.test(e.value()));
  }

  private record Entry<V>(V value, long storedAt) {}
}
