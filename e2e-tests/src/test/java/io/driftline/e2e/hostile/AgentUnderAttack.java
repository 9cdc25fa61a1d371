package io.driftline.e2e.hostile;

import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.agent.update.BundleStore;
import io.driftline.agent.update.BundleUpdater;
import io.driftline.agent.update.RegistryClient;
import io.driftline.agent.update.UpdateOutcome;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DesiredState;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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

  /**
   * A bundle with a real payload for a student with {@code features} features: a 7x7 prompt and an
   * INT8 adaptor for domain {@code fog}, drawn from {@code seed}.
   */
  static Bundle bundle(String bundleId, long version, String studentId, String studentDigest, int features, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BundleMetadata metadata = new BundleMetadata(bundleId, version, studentId, studentDigest,
        Instant.parse("2026-01-01T00:00:00Z"), Map.of("codeVersion", "hostile-suite", "seed", Long.toString(seed)));
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(features).optDimension(HDC_DIMENSION).build();
    Adaptor adaptor = Adaptor.of(List.of(matrix(16, features, random), matrix(10, 16, random)),
        List.of(vector(16, random, 0.01), vector(10, random, 0.01)), Precision.INT8, false);
    return Bundle.builder().setMetadata(metadata)
        .optPrompt(new VisualPrompt(new float[] {1.05f}, new float[] {-0.02f}, 7, 7, vector(49, random, 0.05)))
        .optAdaptor(new DomainAdaptor("fog", encoder.encode(vector(features, random, 1.0)), adaptor))
        .build();
  }

  static byte[] signed(Bundle bundle, PrivateKey key) {
    return io.driftline.core.bundle.BundleCodec.encode(bundle, key);
  }

  private static float[][] matrix(int rows, int cols, SplittableRandom random) {
    float[][] w = new float[rows][];
    for (int r = 0; r < rows; r++) {
      w[r] = vector(cols, random, Math.sqrt(2.0 / cols));
    }
    return w;
  }

  private static float[] vector(int size, SplittableRandom random, double std) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) (std * random.nextGaussian());
    }
    return v;
  }

  @Override
  public void close() throws IOException {
    student.close();
  }
}
