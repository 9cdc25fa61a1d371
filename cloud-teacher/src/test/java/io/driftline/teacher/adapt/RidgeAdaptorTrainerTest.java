package io.driftline.teacher.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.Precision;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RidgeAdaptorTrainerTest {

  private static final SyntheticDomains DOMAINS = new SyntheticDomains(7);
  private static final SyntheticDomains.Sample SOURCE_TRAIN = DOMAINS.sample(400, 1, 0, 1.0, 1);
  private static final SyntheticDomains.Sample SOURCE_TEST = DOMAINS.sample(400, 1, 0, 1.0, 2);
  private static final SyntheticDomains.Sample FOG_TRAIN = DOMAINS.sample(400, 0.5, 1.5, 1.0, 3);
  private static final SyntheticDomains.Sample FOG_TEST = DOMAINS.sample(400, 0.5, 1.5, 1.0, 4);

  private static RidgeAdaptorTrainer trainer() {
    return new RidgeAdaptorTrainer(
        new RandomProjection(SyntheticDomains.FEATURES, 128, 42), SyntheticDomains.CLASSES, 1e-3);
  }

  private static double accuracy(RidgeHead head, SyntheticDomains.Sample s) {
    int ok = 0;
    for (int i = 0; i < s.labels().length; i++) {
      ok += head.predict(s.features()[i]) == s.labels()[i] ? 1 : 0;
    }
    return (double) ok / s.labels().length;
  }

  @Test
  void ridgeHeadLearnsTheSourceDomain() {
    RidgeAdaptorTrainer t = trainer();
    t.addLabelled("source", SOURCE_TRAIN.features(), SOURCE_TRAIN.labels());
    assertThat(accuracy(t.domainHead("source"), SOURCE_TEST)).isGreaterThan(0.9);
  }

  @Test
  void incrementalStatisticsEqualOneBatchAndMerge() {
    RidgeAdaptorTrainer oneBatch = trainer();
    oneBatch.addLabelled("source", SOURCE_TRAIN.features(), SOURCE_TRAIN.labels());
    RidgeAdaptorTrainer twoBatches = trainer();
    int half = 200;
    twoBatches.addLabelled(
        "source",
        java.util.Arrays.copyOfRange(SOURCE_TRAIN.features(), 0, half),
        java.util.Arrays.copyOfRange(SOURCE_TRAIN.labels(), 0, half));
    twoBatches.addLabelled(
        "source",
        java.util.Arrays.copyOfRange(SOURCE_TRAIN.features(), half, 400),
        java.util.Arrays.copyOfRange(SOURCE_TRAIN.labels(), half, 400));
    double[] a = oneBatch.domainHead("source").logits(SOURCE_TEST.features()[0]);
    double[] b = twoBatches.domainHead("source").logits(SOURCE_TEST.features()[0]);
    for (int k = 0; k < a.length; k++) {
      assertThat(b[k]).isCloseTo(a[k], org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void addingADomainLeavesTheOldDomainAdaptorUnchangedAndBarelyMovesTheSharedHead() {
    RidgeAdaptorTrainer t = trainer();
    t.addLabelled("source", SOURCE_TRAIN.features(), SOURCE_TRAIN.labels());
    RidgeHead sourceBefore = t.domainHead("source");
    RidgeHead sharedBefore = t.sharedHead();
    double sharedSourceBefore = accuracy(sharedBefore, SOURCE_TEST);

    t.addLabelled("fog", FOG_TRAIN.features(), FOG_TRAIN.labels());
    RidgeHead sourceAfter = t.domainHead("source");
    RidgeHead sharedAfter = t.sharedHead();

    // Per-domain heads read only their own statistics: bit-identical exports.
    assertThat(sourceAfter.toAdaptor(Precision.FP32)).isEqualTo(sourceBefore.toAdaptor(Precision.FP32));
    // The shared head solves the joint problem; source terms stay in its objective. With
    // M = 128 random features for 2 domains x 4 classes there is capacity for both, so the source
    // accuracy may move by at most 2 points (5 samples of 400 would be 1.25 points) and
    // predictions must agree on >= 95% of source samples.
    int agree = 0;
    for (float[] f : SOURCE_TEST.features()) {
      agree += sharedBefore.predict(f) == sharedAfter.predict(f) ? 1 : 0;
    }
    assertThat(agree / 400.0).isGreaterThanOrEqualTo(0.95);
    assertThat(accuracy(sharedAfter, SOURCE_TEST)).isGreaterThanOrEqualTo(sharedSourceBefore - 0.02);
    // and it learned the new domain
    assertThat(accuracy(sharedAfter, FOG_TEST)).isGreaterThan(accuracy(sharedBefore, FOG_TEST));
    assertThat(t.lineage())
        .containsEntry("adaptor.samples.fog", "400")
        .containsEntry("adaptor.projection.seed", "42");
  }

  @Test
  void domainAdaptorsRoundTripThroughTheBundleAndMatchTheTeacherOnDevice() throws Exception {
    RidgeAdaptorTrainer t = trainer();
    t.addLabelled("source", SOURCE_TRAIN.features(), SOURCE_TRAIN.labels());
    t.addLabelled("fog", FOG_TRAIN.features(), FOG_TRAIN.labels());
    KeyPair keys = Ed25519Keys.generate();
    for (Precision p : Precision.values()) {
      RidgeHead fogHead = t.domainHead("fog");
      Hypervector fogProto = randomHv(1);
      Hypervector srcProto = randomHv(2);
      Bundle bundle =
          Bundle.builder()
              .setMetadata(
                  new BundleMetadata(
                      "b-" + p, 1, "student-small", "sha256:abc", Instant.EPOCH, t.lineage()))
              .optAdaptor(fogHead.toDomainAdaptor("fog", fogProto, p))
              .optAdaptor(t.domainHead("source").toDomainAdaptor("source", srcProto, p))
              .build();
      Bundle decoded = BundleCodec.decode(BundleCodec.encode(bundle, keys.getPrivate()), keys.getPublic());
      assertThat(decoded).isEqualTo(bundle);

      DomainRouter router = decoded.router(0.9);
      Adaptor fp32 = fogHead.toAdaptor(Precision.FP32);
      for (float[] f : java.util.Arrays.copyOf(FOG_TEST.features(), 50)) {
        DomainRouter.Routed r = router.apply(fogProto, f, new float[SyntheticDomains.CLASSES]);
        assertThat(r.route().routeId()).isEqualTo("fog");
        float[] device = r.logits();
        if (p == Precision.FP32) {
          double[] teacher = fogHead.logits(f);
          for (int k = 0; k < teacher.length; k++) {
            assertThat((double) device[k])
                .isCloseTo(teacher[k], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(teacher[k]))));
          }
        } else {
          assertThat(device).isEqualTo(decoded.adaptors().get(0).adaptor().adaptorLogits(f));
          assertThat(decoded.adaptors().get(0).adaptor()).isNotEqualTo(fp32);
        }
      }
    }
  }

  @Test
  void quantizationCostIsMeasuredPerPrecision() {
    RidgeAdaptorTrainer t = trainer();
    t.addLabelled("source", SOURCE_TRAIN.features(), SOURCE_TRAIN.labels());
    RidgeHead head = t.domainHead("source");
    List<QuantizationCost> costs =
        QuantizationCost.measure(head::toAdaptor, SOURCE_TEST.features(), SOURCE_TEST.labels());
    System.out.println("quantization cost (synthetic): " + costs);
    assertThat(costs).extracting(QuantizationCost::precision).containsExactly(Precision.values());
    QuantizationCost fp32 = costs.get(0);
    QuantizationCost int8 = costs.get(1);
    QuantizationCost bin = costs.get(2);
    assertThat(fp32.dropPoints()).isZero();
    assertThat(fp32.accuracy()).isCloseTo(accuracy(head, SOURCE_TEST), org.assertj.core.data.Offset.offset(0.0051));
    assertThat(int8.dropPoints()).isLessThanOrEqualTo(1.0);
    // 1-bit head: signs refined by coordinate descent on the stored statistics, scale and bias
    // refitted in closed form (plain sign x mean|w| lost 27 points on this data)
    assertThat(bin.dropPoints()).isLessThanOrEqualTo(1.0);
    assertThat(fp32.bytes()).isGreaterThan(int8.bytes());
    assertThat(int8.bytes()).isGreaterThan(bin.bytes());
    Map<String, String> lineage = QuantizationCost.lineage(costs);
    assertThat(lineage).containsKeys("quantization.binary.accuracy", "quantization.int8.bytes");
  }

  @Test
  void rejectsBadInput() {
    RidgeAdaptorTrainer t = trainer();
    assertThatThrownBy(() -> t.domainHead("fog")).hasMessageContaining("unknown domain 'fog'");
    assertThatThrownBy(() -> t.sharedHead()).hasMessageContaining("no samples");
    assertThatThrownBy(() -> t.addLabelled("x", new float[1][SyntheticDomains.FEATURES], new int[] {9}))
        .hasMessageContaining("label 9");
    assertThatThrownBy(() -> t.addLabelled("x", new float[][] {new float[3]}, new int[] {0}))
        .hasMessageContaining("expected 16 features, got 3");
    assertThatThrownBy(() -> new RidgeAdaptorTrainer(new RandomProjection(4, 4, 1), 4, 0))
        .hasMessageContaining("lambda");
  }

  static Hypervector randomHv(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] w = new long[4];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextLong();
    }
    return new Hypervector(256, w);
  }
}
