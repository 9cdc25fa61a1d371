package io.driftline.agent.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.agent.AgentFixtures;
import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DesiredState;
import io.driftline.core.model.StudentModel;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Update verification on the agent's own classes, with artefacts served from memory: digest,
 * signature against the pinned key, anti-rollback, last-known-good, restart, memory budget. The
 * same paths against a real registry are in {@code RegistryUpdateTest}.
 */
class BundleUpdaterTest {

  static final KeyPair REGISTRY = Ed25519Keys.generate();
  static final KeyPair OTHER = Ed25519Keys.generate();
  static final int DIMENSION = 1024;

  @TempDir
  Path dir;

  StudentModel student;
  final Map<String, byte[]> served = new HashMap<>();
  final List<String> reports = new ArrayList<>();

  @BeforeEach
  void student() {
    student = StudentModel.load(AgentFixtures.nanoStudent(dir));
  }

  @AfterEach
  void close() {
    student.close();
  }

  private BundleUpdater updater(FramePipeline pipeline, long budget) {
    SnapshotFactory snapshots = new SnapshotFactory(student.featureDimension(), DIMENSION, 0.6, budget);
    return new BundleUpdater("dev-1", REGISTRY.getPublic(), new BundleStore(dir.resolve("data")), snapshots, pipeline,
        url -> {
          byte[] bytes = served.get(url);
          if (bytes == null) {
            throw new IOException("404 " + url);
          }
          return bytes;
        },
        (active, health) -> reports.add(String.valueOf(active)));
  }

  private FramePipeline pipeline() {
    return new FramePipeline(student, new SnapshotFactory(student.featureDimension(), DIMENSION, 0.6, 1 << 20).bare(), 10);
  }

  private DesiredState publish(Bundle bundle, byte[] bytes, long generation) {
    String url = "/api/v1/artefacts/" + BundleCodec.digest(bytes);
    served.put(url, bytes);
    return new DesiredState("dev-1", new BundleRef(bundle.metadata().bundleId(), bundle.metadata().version()),
        BundleCodec.digest(bytes), url, Ed25519Keys.keyId(REGISTRY.getPublic()), Instant.now(), generation);
  }

  private Bundle bundle(long version) {
    return AgentFixtures.bundle("fog-fix", version, student.featureDimension(), DIMENSION, 2);
  }

  @Test
  void aVerifiedNewerBundleIsSwappedInStoredAndReported() {
    FramePipeline pipeline = pipeline();
    BundleUpdater updater = updater(pipeline, 1 << 20);
    Bundle v1 = bundle(1);

    assertThat(updater.apply(publish(v1, AgentFixtures.signed(v1, REGISTRY.getPrivate()), 1)))
        .isEqualTo(UpdateOutcome.APPLIED);
    assertThat(pipeline.snapshot().version()).isEqualTo(1);
    assertThat(pipeline.snapshot().router().domains()).hasSize(2);
    assertThat(pipeline.snapshot().prompt()).isNotNull();
    assertThat(reports).containsExactly("fog-fix:1");
    assertThat(pipeline.process(AgentFixtures.frame(new SplittableRandom(1))).bundle())
        .isEqualTo(new BundleRef("fog-fix", 1));
  }

  @Test
  void aTamperedBundleIsRejectedAndTheActiveBundleStays() {
    FramePipeline pipeline = pipeline();
    BundleUpdater updater = updater(pipeline, 1 << 20);
    Bundle v1 = bundle(1);
    updater.apply(publish(v1, AgentFixtures.signed(v1, REGISTRY.getPrivate()), 1));
    Bundle v2 = bundle(2);
    byte[] good = AgentFixtures.signed(v2, REGISTRY.getPrivate());
    byte[] flipped = good.clone();
    flipped[BundleCodec.HEADER_BYTES + 20] ^= 1;

    // The bytes differ from the announced digest...
    DesiredState announcedGood = publish(v2, good, 2);
    served.put(announcedGood.artefactUrl(), flipped);
    UpdateOutcome wrongDigest = updater.apply(announcedGood);
    // ...or the announcement matches the tampered bytes, whose own digest and signature fail.
    UpdateOutcome badSignature = updater.apply(publish(v2, flipped, 3));
    // ...or the bundle is signed properly, but by a key that is not the pinned one.
    Bundle v3 = bundle(3);
    UpdateOutcome otherKey = updater.apply(publish(v3, AgentFixtures.signed(v3, OTHER.getPrivate()), 4));

    assertThat(wrongDigest).isEqualTo(UpdateOutcome.REJECTED_DIGEST);
    assertThat(badSignature).isEqualTo(UpdateOutcome.REJECTED_SIGNATURE);
    assertThat(otherKey).isEqualTo(UpdateOutcome.REJECTED_SIGNATURE);
    assertThat(pipeline.snapshot().version()).isEqualTo(1);
    assertThat(updater.outcomes().get(UpdateOutcome.APPLIED)).isEqualTo(1);
  }

  @Test
  void anOlderOrEqualVersionIsRejectedEvenWhenProperlySigned() {
    FramePipeline pipeline = pipeline();
    BundleUpdater updater = updater(pipeline, 1 << 20);
    Bundle v2 = bundle(2);
    updater.apply(publish(v2, AgentFixtures.signed(v2, REGISTRY.getPrivate()), 1));
    Bundle v1 = bundle(1);

    UpdateOutcome rollback = updater.apply(publish(v1, AgentFixtures.signed(v1, REGISTRY.getPrivate()), 2));

    assertThat(rollback).isEqualTo(UpdateOutcome.REJECTED_ROLLBACK);
    assertThat(pipeline.snapshot().version()).isEqualTo(2);
  }

  @Test
  void aRestartComesBackOnTheActiveBundleAndKeepsTheLastKnownGood() {
    FramePipeline first = pipeline();
    BundleUpdater before = updater(first, 1 << 20);
    Bundle v1 = bundle(1);
    Bundle v2 = bundle(2);
    before.apply(publish(v1, AgentFixtures.signed(v1, REGISTRY.getPrivate()), 1));
    before.apply(publish(v2, AgentFixtures.signed(v2, REGISTRY.getPrivate()), 2));

    FramePipeline restarted = pipeline();
    BundleUpdater after = updater(restarted, 1 << 20);
    boolean restored = after.restore();

    assertThat(restored).isTrue();
    assertThat(restarted.snapshot().version()).isEqualTo(2);
    assertThat(new BundleStore(dir.resolve("data")).lastKnownGood(REGISTRY.getPublic()))
        .get().extracting(b -> b.metadata().version()).isEqualTo(1L);
    // After the restart the anti-rollback floor is the restored version.
    assertThat(after.apply(publish(v1, AgentFixtures.signed(v1, REGISTRY.getPrivate()), 3)))
        .isEqualTo(UpdateOutcome.REJECTED_ROLLBACK);
  }

  @Test
  void adaptorsBeyondTheMemoryBudgetAreEvicted() {
    FramePipeline pipeline = pipeline();
    Bundle v1 = AgentFixtures.bundle("many", 1, student.featureDimension(), DIMENSION, 5);
    long one = SnapshotFactory.sizeOf(v1.adaptors().get(0));
    BundleUpdater updater = updater(pipeline, 3 * one + one / 2);

    assertThat(updater.apply(publish(v1, AgentFixtures.signed(v1, REGISTRY.getPrivate()), 1)))
        .isEqualTo(UpdateOutcome.APPLIED);
    assertThat(pipeline.snapshot().router().domains()).hasSize(3);
    assertThat(pipeline.snapshot().evictedDomains()).hasSize(2);
    assertThat(pipeline.snapshot().adaptorBytes()).isLessThanOrEqualTo(3 * one + one / 2);
  }
}
