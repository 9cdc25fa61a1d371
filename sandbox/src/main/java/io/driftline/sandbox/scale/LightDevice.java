package io.driftline.sandbox.scale;

import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.FrameResult;
import io.driftline.agent.update.BundleUpdater;
import io.driftline.agent.update.DeviceIdentity;
import io.driftline.agent.update.UpdateOutcome;
import io.driftline.agent.upload.WindowUploader;
import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DesiredState;
import io.driftline.sandbox.DeviceClass;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One light simulated device. Its identity (enrolled over REST), telemetry windows and samples (the
 * agent's own {@link WindowUploader} with its sampling policy and budgets) and updates (the agent's
 * own {@link BundleUpdater}: anti-rollback, pinned key, download with the device token, digest,
 * Ed25519 signature, fit to the student, atomic swap, reported state) are the device agent's; only
 * the per-frame inference is replaced by the precomputed {@link FrameStats} of its stream. Frames
 * are due at the device's frame rate from its start; {@link #advance} plays those due.
 */
final class LightDevice {

  final int index;
  final String name;
  final DeviceClass deviceClass;
  final String student;
  final double fps;
  final DeviceIdentity identity;
  private final FrameStats stats;
  private final FramePipeline pipeline;
  private final BundleUpdater updater;
  private final WindowUploader uploader;
  private volatile long startNanos = Long.MAX_VALUE;
  private long frames;
  private volatile long firstDriftNanos = -1;
  /** When a bundle's desired state arrived, by {@code bundle:version}. */
  final Map<String, Long> desiredAt = new ConcurrentHashMap<>();
  /** When the device reported a bundle active, by {@code bundle:version}. */
  final Map<String, Long> reportedAt = new ConcurrentHashMap<>();
  /** What the updater made of a bundle's desired state, by {@code bundle:version} (the last time it was applied). */
  final Map<String, UpdateOutcome> outcomes = new ConcurrentHashMap<>();

  LightDevice(int index, String name, DeviceClass deviceClass, String student, double fps, DeviceIdentity identity,
      FrameStats stats, FramePipeline pipeline, BundleUpdater updater, WindowUploader uploader) {
    this.index = index;
    this.name = name;
    this.deviceClass = deviceClass;
    this.student = student;
    this.fps = fps;
    this.identity = identity;
    this.stats = stats;
    this.pipeline = pipeline;
    this.updater = updater;
    this.uploader = uploader;
  }

  /** Starts the device's frame clock at {@code nanos} ({@link System#nanoTime} time). */
  void startAt(long nanos) {
    startNanos = nanos;
  }

  /**
   * Plays every frame due by {@code now}; returns how late the oldest of them was, in seconds (about
   * one tick when the fleet keeps up, more when the ticks fall behind).
   */
  double advance(long now) {
    if (now < startNanos) {
      return 0;
    }
    long due = (long) ((now - startNanos) / 1e9 * fps);
    double late = due > frames ? (now - startNanos) / 1e9 - frames / fps : 0;
    while (frames < due) {
      int i = (int) (frames % stats.length());
      FrameResult r = stats.results()[i];
      BundleRef bundle = pipeline.snapshot().bundleRef();
      if (bundle != null) {
        r = new FrameResult(r.image(), r.features(), r.predictedClass(), r.uncertainty(), r.oodScore(),
            r.nearestSimilarity(), r.hypervector(), r.route(), bundle);
      }
      uploader.accept(r);
      if (firstDriftNanos < 0 && i == stats.firstDrifted()) {
        // the time the first drifted frame was due, not when a late tick played it
        firstDriftNanos = startNanos + (long) (frames / fps * 1e9);
      }
      frames++;
    }
    return late;
  }

  /** Applies a desired state from {@code fleet.desired-state} (on an update thread). */
  void apply(DesiredState desired) {
    outcomes.put(key(desired), updater.apply(desired));
  }

  /**
   * Whether the desired state of {@code bundle} ({@code bundle:version}) gave way before the device
   * reported it: a newer desired state arrived after it (the latest one wins), or the updater
   * refused it (a teacher bundle with a version at least as high was installed first: anti-rollback).
   */
  boolean superseded(String bundle) {
    Long at = desiredAt.get(bundle);
    if (at == null || reportedAt.containsKey(bundle)) {
      return false;
    }
    UpdateOutcome outcome = outcomes.get(bundle);
    return (outcome != null && outcome.name().startsWith("REJECTED"))
        || desiredAt.entrySet().stream().anyMatch(e -> !e.getKey().equals(bundle) && e.getValue() > at);
  }

  private static String key(DesiredState desired) {
    return desired.bundle().bundleId() + ":" + desired.bundle().version();
  }

  void noteDesired(DesiredState desired, long now) {
    desiredAt.putIfAbsent(key(desired), now);
  }

  void noteReported(@Nullable String active, long now) {
    if (active != null) {
      reportedAt.putIfAbsent(active, now);
    }
  }

  String deviceId() {
    return identity.deviceId();
  }

  long frames() {
    return frames;
  }

  long windows() {
    return uploader.windows();
  }

  long uploadedSamples() {
    return uploader.uploadedFrames();
  }

  long uploadedBytes() {
    return uploader.uploadedBytes();
  }

  /** When the first drifted frame of the stream was due, or -1 before that. */
  long firstDriftNanos() {
    return firstDriftNanos;
  }

  /** The active bundle's version (0 without bundle). */
  long activeVersion() {
    return pipeline.snapshot().version();
  }

  @Nullable String activeBundle() {
    BundleRef ref = pipeline.snapshot().bundleRef();
    return ref == null ? null : ref.bundleId() + ":" + ref.version();
  }
}
