package io.driftline.agent.update;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the active bundle and the last-known-good one on disk ({@code bundles/active.bundle},
 * {@code bundles/last-known-good.bundle}) as the signed files the registry served, so a restart
 * verifies them again with the pinned key. Installing moves the active file to last-known-good and
 * moves the new one into place; both steps are atomic renames.
 */
public final class BundleStore {

  private static final Logger log = LoggerFactory.getLogger(BundleStore.class);

  private final Path active;
  private final Path lastKnownGood;

  /** Creates a store under {@code dataDir/bundles}. */
  public BundleStore(Path dataDir) {
    Path dir = dataDir.resolve("bundles");
    this.active = dir.resolve("active.bundle");
    this.lastKnownGood = dir.resolve("last-known-good.bundle");
  }

  /** Makes {@code encoded} the active bundle, keeping the previous active one as last-known-good. */
  public void install(byte[] encoded) {
    try {
      Files.createDirectories(active.getParent());
      if (Files.exists(active)) {
        Files.move(active, lastKnownGood, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      SecureFiles.write(active, encoded, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the active bundle in " + active, e);
    }
  }

  /**
   * Loads the active bundle, verified with {@code key}; if it is missing or does not verify, the
   * last-known-good one (which then becomes active again).
   */
  public Optional<Bundle> load(PublicKey key) {
    Optional<Bundle> bundle = read(active, key);
    if (bundle.isPresent()) {
      return bundle;
    }
    Optional<Bundle> fallback = read(lastKnownGood, key);
    if (fallback.isPresent()) {
      log.warn("active bundle unusable; falling back to last-known-good {} v{}",
          fallback.get().metadata().bundleId(), fallback.get().metadata().version());
      try {
        Files.copy(lastKnownGood, active, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        log.warn("cannot restore {} from last-known-good: {}", active, e.toString());
      }
    }
    return fallback;
  }

  /** The last-known-good bundle, if there is one that verifies. */
  public Optional<Bundle> lastKnownGood(PublicKey key) {
    return read(lastKnownGood, key);
  }

  private static Optional<Bundle> read(Path file, PublicKey key) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(BundleCodec.decode(Files.readAllBytes(file), key));
    } catch (IOException | BundleFormatException e) {
      log.warn("bundle file {} does not verify: {}", file.getFileName(), e.getMessage());
      return Optional.empty();
    }
  }
}
