package io.driftline.e2e.hostile;

import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.agent.update.BundleStore;
import io.driftline.agent.update.BundleUpdater;
import io.driftline.agent.update.DesiredStateWatcher;
import io.driftline.agent.update.RegistryClient;
import io.driftline.agent.update.UpdateOutcome;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.bundle.SyntheticBundles;
import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DesiredState;
import io.driftline.core.model.StudentModel;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A device agent's update path, the agent's own classes ({@link BundleUpdater}, {@link BundleStore},
 * {@link FramePipeline}) with the real registry behind it: genuine artefacts are downloaded from the
 * registry with the device's token, and an attacker's artefacts come from a man in the middle that
 * the test controls ({@link #serve}).
 */
final class AgentUnderAttack implements AutoCloseable {

  /** HDC dimension of the agent's router and of the bundles made here. */
  static final int HDC_DIMENSION = 1024;

  final String deviceId;
  final Path dataDir;
  final PublicKey registryKey;
  private final StudentModel student;
  private final FramePipeline pipeline;
  private final BundleUpdater updater;
  private final Map<String, byte[]> attacker = new HashMap<>();
  private DesiredStateWatcher watcher;

  AgentUnderAttack(String deviceId, String deviceToken, byte[] studentOnnx, PublicKey registryKey, String registryUrl,
      Path dataDir) {
    this.deviceId = deviceId;
    this.dataDir = dataDir;
    this.registryKey = registryKey;
    this.student = StudentModel.load(studentOnnx, "student-nano");
    SnapshotFactory snapshots = new SnapshotFactory(student.featureDimension(), HDC_DIMENSION, 0.6, 1 << 20);
    this.pipeline = new FramePipeline(student, snapshots.bare(), 10);
    RegistryClient registry = new RegistryClient(registryUrl, Duration.ofSeconds(10));
    this.updater = new BundleUpdater(deviceId, registryKey, new BundleStore(dataDir), snapshots, pipeline,
        url -> {
          byte[] forged = attacker.get(url);
          return forged != null ? forged : registry.download(url, deviceToken);
        },
        (active, health) -> registry.report(deviceId, deviceToken, active, health));
  }

  /** Makes the man in the middle answer {@code url} with {@code bytes}. */
  void serve(String url, byte[] bytes) {
    attacker.put(url, bytes);
  }

  /**
   * Starts the agent's own {@link DesiredStateWatcher} on {@code topic} (it applies what it reads
   * through the same updater) and waits until it has read its partition to the end.
   */
  DesiredStateWatcher watch(String bootstrap, String topic) {
    watcher = new DesiredStateWatcher(bootstrap, topic, deviceId, updater);
    watcher.start();
    org.awaitility.Awaitility.await("desired-state watcher caught up").atMost(Duration.ofSeconds(30))
        .until(watcher::caughtUp);
    return watcher;
  }

  UpdateOutcome apply(DesiredState desired) {
    return updater.apply(desired);
  }

  /** The active bundle and every stored bundle file, for the state fingerprint. */
  String state() {
    BundleRef active = pipeline.snapshot().bundleRef();
    return "active " + (active == null ? "none" : active.bundleId() + ":" + active.version()) + "\n"
        + StateFingerprint.folder(dataDir);
  }

  long activeVersion() {
    return pipeline.snapshot().version();
  }

  /** Reads the registry's desired state answer ({@code GET /devices/{id}/desired-state}) as the record. */
  static DesiredState desiredState(JsonNode json) {
    return new DesiredState(json.get("deviceId").asString(),
        new BundleRef(json.at("/bundle/bundleId").asString(), json.at("/bundle/version").asLong()),
        json.get("artefactDigest").asString(), json.get("artefactUrl").asString(),
        json.get("signatureKeyId").asString(), Instant.parse(json.get("issuedAt").asString()),
        json.get("generation").asLong());
  }

  /** The same announcement with other content: a forged desired state. */
  static DesiredState forge(DesiredState genuine, BundleRef bundle, String digest, String url, String keyId,
      long generation) {
    return new DesiredState(genuine.deviceId(), bundle, digest, url, keyId, Instant.now(), generation);
  }

  static String keyId(PublicKey key) {
    return Ed25519Keys.keyId(key);
  }

  /** A random-weight bundle ({@link SyntheticBundles}) for a student with {@code features} features. */
  static Bundle bundle(String bundleId, long version, String studentId, String studentDigest, int features, long seed) {
    return SyntheticBundles.random(new BundleMetadata(bundleId, version, studentId, studentDigest,
        Instant.parse("2026-01-01T00:00:00Z"), Map.of("codeVersion", "hostile-suite", "seed", Long.toString(seed))),
        features, HDC_DIMENSION, seed);
  }

  static byte[] signed(Bundle bundle, PrivateKey key) {
    return io.driftline.core.bundle.BundleCodec.encode(bundle, key);
  }

  @Override
  public void close() throws IOException {
    if (watcher != null) {
      watcher.close();
    }
    student.close();
  }
}
