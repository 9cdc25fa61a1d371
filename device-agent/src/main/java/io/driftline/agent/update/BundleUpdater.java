package io.driftline.agent.update;

import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.PipelineSnapshot;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleFormatException;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.DesiredState;
import java.io.IOException;
import java.security.PublicKey;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies desired states safely: checks that the version is newer than the active one
 * (anti-rollback), that the signing key is the pinned one, downloads the artefact with the device
 * token, checks its SHA-256 against the announced digest, verifies the bundle's digest and Ed25519
 * signature with the pinned key, checks that it is the announced bundle and fits the student, then
 * stores it (the old one becomes last-known-good), swaps the pipeline snapshot atomically and
 * reports the new active bundle. Anything that fails leaves the active bundle untouched.
 */
public final class BundleUpdater {

  /** Downloads an artefact. */
  public interface Downloader {
    /** Returns the bytes at {@code url}. */
    byte[] download(String url) throws IOException;
  }

  /** Reports the active bundle to the registry. */
  public interface Reporter {
    /** Reports {@code activeBundle} ({@code name:version} or null). */
    void report(@Nullable String activeBundle, Map<String, Object> health) throws IOException;
  }

  private static final Logger log = LoggerFactory.getLogger(BundleUpdater.class);

  private final String deviceId;
  private final PublicKey pinnedKey;
  private final String pinnedKeyId;
  private final BundleStore store;
  private final SnapshotFactory snapshots;
  private final FramePipeline pipeline;
  private final Downloader downloader;
  private final Reporter reporter;
  private volatile boolean reportPending;
  private final Map<UpdateOutcome, AtomicLong> outcomes = new EnumMap<>(UpdateOutcome.class);
  private long appliedGeneration = -1;

  /** Creates an updater for {@code pipeline}. */
  public BundleUpdater(String deviceId, PublicKey pinnedKey, BundleStore store, SnapshotFactory snapshots,
      FramePipeline pipeline, Downloader downloader, Reporter reporter) {
    this.deviceId = deviceId;
    this.pinnedKey = pinnedKey;
    this.pinnedKeyId = Ed25519Keys.keyId(pinnedKey);
    this.store = store;
    this.snapshots = snapshots;
    this.pipeline = pipeline;
    this.downloader = downloader;
    this.reporter = reporter;
    for (UpdateOutcome o : UpdateOutcome.values()) {
      outcomes.put(o, new AtomicLong());
    }
  }

  /** Restores the stored active bundle (or last-known-good) at startup; returns whether one was restored. */
  public synchronized boolean restore() {
    return store.load(pinnedKey).map(bundle -> {
      pipeline.swap(snapshots.build(bundle, pipeline.routeCounts()));
      log.info("device {} restored active bundle {} v{}", deviceId, bundle.metadata().bundleId(),
          bundle.metadata().version());
      return true;
    }).orElse(false);
  }

  /** Applies one desired state and returns what became of it. */
  public synchronized UpdateOutcome apply(DesiredState desired) {
    UpdateOutcome outcome = check(desired);
    outcomes.get(outcome).incrementAndGet();
    if (outcome != UpdateOutcome.APPLIED && outcome != UpdateOutcome.ALREADY_ACTIVE) {
      log.warn("device {} rejected desired bundle {}:{} (generation {}): {}", deviceId, desired.bundle().bundleId(),
          desired.bundle().version(), desired.generation(), outcome);
    }
    if (outcome != UpdateOutcome.DOWNLOAD_FAILED) {
      appliedGeneration = Math.max(appliedGeneration, desired.generation());
    }
    return outcome;
  }

  private UpdateOutcome check(DesiredState desired) {
    PipelineSnapshot active = pipeline.snapshot();
    if (desired.generation() <= appliedGeneration && active.bundle() != null) {
      return UpdateOutcome.ALREADY_ACTIVE;
    }
    if (active.bundle() != null && active.bundle().metadata().bundleId().equals(desired.bundle().bundleId())
        && active.version() == desired.bundle().version()) {
      return UpdateOutcome.ALREADY_ACTIVE;
    }
    if (desired.bundle().version() <= active.version()) {
      return UpdateOutcome.REJECTED_ROLLBACK;
    }
    if (!pinnedKeyId.equals(desired.signatureKeyId())) {
      return UpdateOutcome.REJECTED_KEY;
    }
    byte[] bytes;
    try {
      bytes = downloader.download(desired.artefactUrl());
    } catch (IOException e) {
      log.warn("device {} cannot download {}: {}", deviceId, desired.artefactUrl(), e.getMessage());
      return UpdateOutcome.DOWNLOAD_FAILED;
    }
    if (!BundleCodec.digest(bytes).equals(desired.artefactDigest())) {
      return UpdateOutcome.REJECTED_DIGEST;
    }
    Bundle bundle;
    try {
      bundle = BundleCodec.decode(bytes, pinnedKey);
    } catch (BundleFormatException e) {
      return UpdateOutcome.REJECTED_SIGNATURE;
    }
    if (!bundle.metadata().bundleId().equals(desired.bundle().bundleId())
        || bundle.metadata().version() != desired.bundle().version()) {
      return UpdateOutcome.REJECTED_CONTENT;
    }
    if (bundle.metadata().version() <= active.version()) {
      return UpdateOutcome.REJECTED_ROLLBACK;
    }
    PipelineSnapshot next;
    try {
      next = snapshots.build(bundle, pipeline.routeCounts());
    } catch (IllegalArgumentException e) {
      log.warn("device {}: bundle {} v{} does not fit: {}", deviceId, bundle.metadata().bundleId(),
          bundle.metadata().version(), e.getMessage());
      return UpdateOutcome.REJECTED_CONTENT;
    }
    store.install(bytes);
    pipeline.swap(next);
    log.info("device {} switched to bundle {} v{} (generation {}, {} adaptors, evicted {})", deviceId,
        bundle.metadata().bundleId(), bundle.metadata().version(), desired.generation(),
        next.router().domains().size(), next.evictedDomains());
    report();
    return UpdateOutcome.APPLIED;
  }

  /**
   * Reports the active bundle to the registry; a failure is logged and leaves the report pending
   * ({@link #reportPending()}), so the watcher sends it again once the registry answers.
   */
  public void report() {
    PipelineSnapshot s = pipeline.snapshot();
    String active = s.bundleRef() == null ? null : s.bundleRef().bundleId() + ":" + s.bundleRef().version();
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("adaptors", s.router().domains().size());
    health.put("evictedAdaptors", s.evictedDomains().size());
    health.put("adaptorBytes", s.adaptorBytes());
    try {
      reporter.report(active, health);
      reportPending = false;
    } catch (IOException | RuntimeException e) {
      reportPending = true;
      log.warn("device {} cannot report its state: {}", deviceId, e.getMessage());
    }
  }

  /** Whether the last report to the registry failed, so the registry may not know the active bundle. */
  public boolean reportPending() {
    return reportPending;
  }

  /** How many desired states ended in each outcome. */
  public Map<UpdateOutcome, Long> outcomes() {
    Map<UpdateOutcome, Long> copy = new EnumMap<>(UpdateOutcome.class);
    outcomes.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }
}
