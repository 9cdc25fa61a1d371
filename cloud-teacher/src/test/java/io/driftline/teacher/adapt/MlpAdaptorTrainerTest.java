package io.driftline.teacher.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.Precision;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MlpAdaptorTrainerTest {

  private static final SyntheticDomains DOMAINS = new SyntheticDomains(7);
  private static final SyntheticDomains.Sample FOG_TRAIN = DOMAINS.sample(400, 0.5, 1.5, 1.0, 3);
  private static final SyntheticDomains.Sample FOG_TEST = DOMAINS.sample(400, 0.5, 1.5, 1.0, 4);
  private static final int WIDTH = 8;

  /** Teacher-like pseudo-labels: 0.7 on the label, the rest spread; weights vary per sample. */
  static float[][] softTargets(int[] labels, int classes) {
    float[][] t = new float[labels.length][classes];
    for (int i = 0; i < labels.length; i++) {
      Arrays.fill(t[i], 0.3f / (classes - 1));
      t[i][labels[i]] = 0.7f;
    }
    return t;
  }

  static double[] weights(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 0.5 + r.nextDouble();
    }
    return w;
  }

  private static MlpHead train(long seed) {
    return MlpAdaptorTrainer.builder().setHiddenWidth(WIDTH).optSeed(seed).build()
        .train(FOG_TRAIN.features(), softTargets(FOG_TRAIN.labels(), SyntheticDomains.CLASSES),
            weights(400, 5));
  }

  private static double accuracy(Adaptor a, SyntheticDomains.Sample s) {
    int ok = 0;
    for (int i = 0; i < s.labels().length; i++) {
      ok += RidgeHead.argmax(a.adaptorLogits(s.features()[i])) == s.labels()[i] ? 1 : 0;
    }
    return (double) ok / s.labels().length;
  }

  @Test
  void sgdLearnsTheTaskAndImprovesOnItsRidgeStart() {
    MlpHead mlp = train(11);
    RidgeAdaptorTrainer ridge =
        new RidgeAdaptorTrainer(new RandomProjection(SyntheticDomains.FEATURES, WIDTH, 11),
            SyntheticDomains.CLASSES, 1e-3);
    ridge.add("fog", FOG_TRAIN.features(), softTargets(FOG_TRAIN.labels(), SyntheticDomains.CLASSES),
        weights(400, 5));
    double mlpAccuracy = accuracy(mlp.toAdaptor(Precision.FP32), FOG_TEST);
    double ridgeAccuracy = accuracy(ridge.domainHead("fog").toAdaptor(Precision.FP32), FOG_TEST);
    System.out.println("synthetic fog, width " + WIDTH + ": ridge start " + ridgeAccuracy + ", mlp "
        + mlpAccuracy + ", " + mlp.lineage());
    // the domain's noise caps accuracy near 0.83; an 8-unit random first layer is far too narrow
    // for the ridge, SGD makes 8 units enough
    assertThat(mlpAccuracy).isGreaterThan(0.78);
    assertThat(mlpAccuracy).isGreaterThan(ridgeAccuracy + 0.1);
    assertThat(Double.parseDouble(mlp.lineage().get("adaptor.validationLoss.best")))
        .isLessThan(Double.parseDouble(mlp.lineage().get("adaptor.validationLoss.start")));
    assertThat(mlp.lineage()).containsEntry("adaptor.kind", "mlp").containsEntry("adaptor.hidden", "8");
  }

  @Test
  void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
    assertThat(train(3).toAdaptor(Precision.FP32)).isEqualTo(train(3).toAdaptor(Precision.FP32));
    assertThat(train(3).toAdaptor(Precision.BINARY)).isEqualTo(train(3).toAdaptor(Precision.BINARY));
    assertThat(train(3).lineage()).isEqualTo(train(3).lineage());
    assertThat(train(4).toAdaptor(Precision.FP32)).isNotEqualTo(train(3).toAdaptor(Precision.FP32));
  }

  @Test
  void quantizedExportsKeepTheAccuracyAndTheOneBitRefitBeatsPlainRounding() {
    MlpHead mlp = train(11);
    List<QuantizationCost> costs =
        QuantizationCost.measure(mlp::toAdaptor, FOG_TEST.features(), FOG_TEST.labels());
    List<QuantizationCost> plain =
        QuantizationCost.measure(mlp::toPlainAdaptor, FOG_TEST.features(), FOG_TEST.labels());
    System.out.println("mlp quantization cost (synthetic): " + costs + "; plain rounding: " + plain);
    assertThat(costs.get(0).accuracy()).isEqualTo(plain.get(0).accuracy());
    assertThat(costs.get(1).dropPoints()).isLessThanOrEqualTo(1.0);
    // 16 inputs per 1-bit row is crude: quantization-aware training plus the refitted output layer
    // lost 3 points here, plain rounding of the float network 18
    assertThat(costs.get(2).dropPoints()).isLessThanOrEqualTo(5.0);
    assertThat(costs.get(2).accuracy()).isGreaterThan(plain.get(2).accuracy() + 0.1);
    assertThat(costs.get(0).bytes()).isGreaterThan(costs.get(1).bytes());
    assertThat(costs.get(1).bytes()).isGreaterThan(costs.get(2).bytes());
  }

  @Test
  void domainAdaptorsRoundTripThroughTheBundleAndMatchTheTeacherOnDevice() throws Exception {
    MlpHead mlp = train(11);
    KeyPair keys = Ed25519Keys.generate();
    Hypervector fogProto = RidgeAdaptorTrainerTest.randomHv(1);
    for (Precision p : Precision.values()) {
      Bundle bundle =
          Bundle.builder()
              .setMetadata(new BundleMetadata(
                  "mlp-" + p, 1, "student-small", "sha256:abc", Instant.EPOCH, mlp.lineage()))
              .optAdaptor(mlp.toDomainAdaptor("fog", fogProto, p))
              .build();
      Bundle decoded = BundleCodec.decode(BundleCodec.encode(bundle, keys.getPrivate()), keys.getPublic());
      assertThat(decoded).isEqualTo(bundle);
      DomainRouter router = decoded.router(0.9);
      Adaptor exported = mlp.toAdaptor(p);
      for (float[] f : Arrays.copyOf(FOG_TEST.features(), 50)) {
        DomainRouter.Routed r = router.apply(fogProto, f, new float[SyntheticDomains.CLASSES]);
        assertThat(r.route().routeId()).isEqualTo("fog");
        if (p == Precision.FP32) {
          double[] teacher = mlp.logits(f);
          for (int k = 0; k < teacher.length; k++) {
            assertThat((double) r.logits()[k])
                .isCloseTo(teacher[k], Offset.offset(1e-4 * (1 + Math.abs(teacher[k]))));
          }
        } else {
          assertThat(r.logits()).isEqualTo(exported.adaptorLogits(f));
        }
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    float[][] f = FOG_TRAIN.features();
    float[][] t = softTargets(FOG_TRAIN.labels(), SyntheticDomains.CLASSES);
    double[] w = weights(400, 5);
    MlpAdaptorTrainer ok = MlpAdaptorTrainer.builder().setHiddenWidth(4).build();
    assertThatThrownBy(() -> MlpAdaptorTrainer.builder().build()).hasMessageContaining("hidden width");
    assertThatThrownBy(() -> MlpAdaptorTrainer.builder().setHiddenWidth(4).optLearningRate(0).build())
        .hasMessageContaining("learning rate");
    assertThatThrownBy(() -> MlpAdaptorTrainer.builder().setHiddenWidth(4).optValidationFraction(1).build())
        .hasMessageContaining("validation fraction");
    assertThatThrownBy(() -> MlpAdaptorTrainer.builder().setHiddenWidth(4).optWeightDecay(-1).build())
        .hasMessageContaining("weight decay");
    assertThatThrownBy(() -> ok.train(f, t, new double[3])).hasMessageContaining("counts must match");
    float[][] nan = {new float[] {Float.NaN}};
    assertThatThrownBy(() -> ok.train(nan, new float[][] {{1, 0}}, new double[] {1}))
        .hasMessageContaining("non-finite feature");
    assertThatThrownBy(() -> ok.train(f, t, new double[400])).hasMessageContaining("weights are 0");
    double[] negative = w.clone();
    negative[7] = -1;
    assertThatThrownBy(() -> ok.train(f, t, negative)).hasMessageContaining("sample 7 has weight -1");
    MlpAdaptorTrainer halves = MlpAdaptorTrainer.builder().setHiddenWidth(4).optValidationFraction(0.5).build();
    assertThatThrownBy(() -> halves.train(Arrays.copyOf(f, 2), Arrays.copyOf(t, 2), new double[] {1, 0}))
        .hasMessageContaining("validation fraction");
  }
}
