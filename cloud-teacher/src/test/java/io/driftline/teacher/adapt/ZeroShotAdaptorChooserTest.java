package io.driftline.teacher.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.update.Adaptor;
import io.driftline.core.update.Precision;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ZeroShotAdaptorChooserTest {

  private static final SyntheticDomains DOMAINS = new SyntheticDomains(7);
  private static final SyntheticDomains.Sample FOG = DOMAINS.sample(200, 0.5, 1.5, 1.0, 3);
  private static final float[][] FOG_TARGETS =
      MlpAdaptorTrainerTest.softTargets(FOG.labels(), SyntheticDomains.CLASSES);
  private static final double[] FOG_WEIGHTS = MlpAdaptorTrainerTest.weights(200, 5);
  private static final Set<Precision> ALL = EnumSet.allOf(Precision.class);

  private static ZeroShotAdaptorChooser chooser() {
    return ZeroShotAdaptorChooser.builder().optWidths(8, 32, 128).optLambdas(1e-3, 1e-1).optSeed(3).build();
  }

  @Test
  void closedFormLeaveOneOutEqualsRefittingWithoutEachSample() {
    SplittableRandom r = new SplittableRandom(17);
    int n = 30;
    int m = 6;
    int classes = 3;
    double[][] h = new double[n][m];
    float[][] targets = new float[n][classes];
    double[] weights = new double[n];
    RidgeStatistics all = new RidgeStatistics(m, classes);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        h[i][j] = r.nextGaussian();
      }
      float rest = 1f;
      for (int k = 0; k < classes - 1; k++) {
        targets[i][k] = (float) (rest * r.nextDouble());
        rest -= targets[i][k];
      }
      targets[i][classes - 1] = rest;
      weights[i] = i == 4 ? 0 : 0.2 + 2 * r.nextDouble();
      all.add(h[i], targets[i], weights[i]);
    }
    double lambda = 0.05;
    RidgeLeaveOneOut.Result closed = RidgeLeaveOneOut.compute(all, lambda, h, targets, weights);

    double wrong = 0;
    double press = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (weights[i] == 0) {
        continue;
      }
      RidgeStatistics without = new RidgeStatistics(m, classes);
      for (int j = 0; j < n; j++) {
        if (j != i) {
          without.add(h[j], targets[j], weights[j]);
        }
      }
      // keep the absolute penalty λ·n of the full data, as the closed form does
      double[][] w = without.solve(lambda * all.totalWeight() / without.totalWeight());
      for (int k = 0; k < classes; k++) {
        double p = w[m][k];
        for (int j = 0; j < m; j++) {
          p += h[i][j] * w[j][k];
        }
        assertThat(closed.predictions()[i][k]).isCloseTo(p, Offset.offset(1e-9));
        press += weights[i] * (targets[i][k] - p) * (targets[i][k] - p);
      }
      wrong += RidgeHead.argmax(closed.predictions()[i]) == RidgeHead.argmax(targets[i]) ? 0 : weights[i];
      total += weights[i];
    }
    assertThat(closed.press()).isCloseTo(press / total, Offset.offset(1e-9));
    assertThat(closed.errorRate()).isCloseTo(wrong / total, Offset.offset(1e-12));
    assertThat(closed.errorRate()).isGreaterThan(0);
  }

  @Test
  void bytesAndMacsAreCountedAsTheExportedAdaptorCountsThem() {
    // 70 inputs and width 65: 1-bit rows span two 64-bit words, with padding
    SplittableRandom r = new SplittableRandom(1);
    float[][] f = new float[40][70];
    for (float[] row : f) {
      for (int c = 0; c < row.length; c++) {
        row[c] = (float) r.nextGaussian();
      }
    }
    int[] labels = new int[40];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
    float[][] t = MlpAdaptorTrainerTest.softTargets(labels, 3);
    double[] w = MlpAdaptorTrainerTest.weights(40, 2);
    AdaptorBudget roomy = new AdaptorBudget(Long.MAX_VALUE, Long.MAX_VALUE, ALL);
    for (AdaptorKind kind : AdaptorKind.values()) {
      AdaptorChoice choice = ZeroShotAdaptorChooser.builder().optKinds(Set.of(kind)).optWidths(65)
          .optLambdas(0.1).build().choose(roomy, f, t, w);
      for (AdaptorCandidate c : choice.candidates()) {
        AdaptorChoice forced = new AdaptorChoice(c, choice.candidates(), roomy, choice.seed(), 70, 3, 40);
        Adaptor a = forced.fit(f, t, w); // throws if the counts differ
        assertThat(a.byteSize()).isEqualTo(c.bytes());
        assertThat(AdaptorBudget.macs(a)).isEqualTo(c.macs());
        assertThat(a.layers()).allSatisfy(l -> assertThat(l.weights().precision()).isEqualTo(c.precision()));
        assertThat(roomy.admits(a)).isTrue();
      }
    }
  }

  @Test
  void aTighterBudgetNeverYieldsABiggerAdaptor() {
    AdaptorChoice roomy = chooser().choose(
        new AdaptorBudget(Long.MAX_VALUE, Long.MAX_VALUE, ALL), FOG.features(), FOG_TARGETS, FOG_WEIGHTS);
    long previous = Long.MAX_VALUE;
    int distinct = 0;
    for (long maxBytes = roomy.chosen().bytes(); ; maxBytes = maxBytes * 2 / 3) {
      AdaptorChoice c;
      try {
        c = chooser().choose(new AdaptorBudget(maxBytes, Long.MAX_VALUE, ALL), FOG.features(), FOG_TARGETS, FOG_WEIGHTS);
      } catch (IllegalArgumentException e) {
        assertThat(e).hasMessageContaining("no adaptor fits the budget");
        break;
      }
      assertThat(c.chosen().bytes()).isLessThanOrEqualTo(maxBytes).isLessThanOrEqualTo(previous);
      distinct += c.chosen().bytes() < previous ? 1 : 0;
      previous = c.chosen().bytes();
    }
    assertThat(distinct).as("the byte limit changed the choice several times").isGreaterThanOrEqualTo(3);

    previous = Long.MAX_VALUE;
    for (long maxMacs = roomy.chosen().macs(); maxMacs >= 64; maxMacs = maxMacs * 2 / 3) {
      AdaptorChoice c =
          chooser().choose(new AdaptorBudget(Long.MAX_VALUE, maxMacs, ALL), FOG.features(), FOG_TARGETS, FOG_WEIGHTS);
      assertThat(c.chosen().macs()).isLessThanOrEqualTo(maxMacs).isLessThanOrEqualTo(previous);
      previous = c.chosen().macs();
    }
  }

  @Test
  void anInfeasibleBudgetNamesTheSmallestCandidate() {
    assertThatThrownBy(() -> chooser().choose(
            new AdaptorBudget(100, 1_000_000, Set.of(Precision.FP32)), FOG.features(), FOG_TARGETS, FOG_WEIGHTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no adaptor fits the budget (maxBytes=100")
        .hasMessageContaining("the smallest candidate, linear 16->4 FP32, needs 272 bytes");
    assertThatThrownBy(() -> chooser().choose(
            new AdaptorBudget(1_000_000, 10, ALL), FOG.features(), FOG_TARGETS, FOG_WEIGHTS))
        .hasMessageContaining("the fewest MACs of any is 64");
  }

  @Test
  void prefersTheCandidateWithTheBetterHeldOutAccuracy() {
    // XOR of two features among four: no linear head can do better than chance, a ridge on
    // random ReLU features can
    Xor train = new Xor(400, 1);
    Xor test = new Xor(1000, 2);
    AdaptorBudget roomy = new AdaptorBudget(Long.MAX_VALUE, Long.MAX_VALUE, Set.of(Precision.FP32));
    AdaptorChoice choice = ZeroShotAdaptorChooser.builder().optWidths(256).optLambdas(1e-3).build()
        .choose(roomy, train.features, train.targets, train.weights);
    AdaptorChoice linear = ZeroShotAdaptorChooser.builder().optKinds(Set.of(AdaptorKind.LINEAR))
        .optLambdas(1e-3).build().choose(roomy, train.features, train.targets, train.weights);
    double chosenHeldOut = test.accuracy(choice.fit(train.features, train.targets, train.weights));
    double linearHeldOut = test.accuracy(linear.fit(train.features, train.targets, train.weights));
    System.out.println("xor: chosen " + choice.chosen() + " held-out " + chosenHeldOut
        + "; linear held-out " + linearHeldOut);
    assertThat(choice.chosen().kind()).isEqualTo(AdaptorKind.RIDGE);
    assertThat(chosenHeldOut).isGreaterThan(linearHeldOut + 0.2);

    // 40 noisy samples, 64 random features: a tiny λ fits the noise, a large one does not
    SyntheticDomains.Sample few = DOMAINS.sample(40, 0.5, 1.5, 1.0, 8);
    SyntheticDomains.Sample heldOut = DOMAINS.sample(1000, 0.5, 1.5, 1.0, 9);
    float[][] fewTargets = MlpAdaptorTrainerTest.softTargets(few.labels(), SyntheticDomains.CLASSES);
    double[] fewWeights = MlpAdaptorTrainerTest.weights(40, 1);
    AdaptorChoice picked = ZeroShotAdaptorChooser.builder()
        .optKinds(Set.of(AdaptorKind.RIDGE)).optWidths(64).optLambdas(1e-6, 1e-2, 1).build()
        .choose(roomy, few.features(), fewTargets, fewWeights);
    Map<Double, Double> heldOutAccuracy = new java.util.TreeMap<>();
    for (AdaptorCandidate c : picked.candidates()) {
      heldOutAccuracy.put(c.lambda(), accuracy(new AdaptorChoice(c, picked.candidates(), roomy, 0, 16, 4, 40)
          .fit(few.features(), fewTargets, fewWeights), heldOut));
    }
    System.out.println("lambda: chosen " + picked.chosen() + ", held-out by lambda " + heldOutAccuracy);
    double best = java.util.Collections.max(heldOutAccuracy.values());
    double worst = java.util.Collections.min(heldOutAccuracy.values());
    assertThat(best - worst).as("the case is clear").isGreaterThan(0.1);
    assertThat(heldOutAccuracy.get(picked.chosen().lambda())).isEqualTo(best);
  }

  @Test
  void offersAnMlpWhenTheRidgeIsLeftOutAndRecordsEveryCandidate() {
    Xor xor = new Xor(400, 1);
    AdaptorBudget budget = new AdaptorBudget(2_000, 500, Set.of(Precision.INT8, Precision.BINARY));
    AdaptorChoice choice = ZeroShotAdaptorChooser.builder()
        .optKinds(EnumSet.of(AdaptorKind.LINEAR, AdaptorKind.MLP)).optWidths(8, 32, 128)
        .optLambdas(1e-3, 1e-1).build().choose(budget, xor.features, xor.targets, xor.weights);
    System.out.println("xor, budget " + budget + ": " + choice.chosen());
    assertThat(choice.chosen().kind()).isEqualTo(AdaptorKind.MLP);
    Adaptor mlp = choice.fit(xor.features, xor.targets, xor.weights);
    assertThat(xor.accuracy(mlp)).isGreaterThan(0.8);
    assertThat(budget.admits(mlp)).isTrue();
    Map<String, String> lineage = choice.lineage();
    assertThat(lineage)
        .containsEntry("choice.kind", "mlp")
        .containsEntry("choice.bytes", Long.toString(mlp.byteSize()))
        .containsKey("choice.looError");
    assertThat(lineage.keySet().stream().filter(k -> k.startsWith("choice.candidate.")))
        .hasSize(choice.candidates().size());
    // linear, widths 8 and 32: 2 precisions x 2 lambdas each; width 128 (768 MACs) is over budget
    assertThat(choice.candidates()).hasSize(4 + 4 + 4 + 2);
    assertThat(choice.candidates().stream().filter(c -> !c.withinBudget()))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.macs()).isEqualTo(768));
    assertThat(lineage.values()).anyMatch(v -> v.contains("overBudget"));
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new AdaptorBudget(0, 1, ALL)).hasMessageContaining("maxBytes > 0");
    assertThatThrownBy(() -> new AdaptorBudget(1, 1, Set.of())).hasMessageContaining("at least one allowed precision");
    assertThatThrownBy(() -> ZeroShotAdaptorChooser.builder().optWidths()).hasMessageContaining("widths");
    assertThatThrownBy(() -> ZeroShotAdaptorChooser.builder().optLambdas(0.1, -1)).hasMessageContaining("lambdas");
    assertThatThrownBy(() -> ZeroShotAdaptorChooser.builder().optKinds(Set.of())).hasMessageContaining("kind");
    assertThatThrownBy(() -> chooser().choose(
            new AdaptorBudget(1_000, 1_000, ALL), FOG.features(), FOG_TARGETS, new double[3]))
        .hasMessageContaining("counts must match");
  }

  private static double accuracy(Adaptor a, SyntheticDomains.Sample s) {
    int ok = 0;
    for (int i = 0; i < s.labels().length; i++) {
      ok += RidgeHead.argmax(a.adaptorLogits(s.features()[i])) == s.labels()[i] ? 1 : 0;
    }
    return (double) ok / s.labels().length;
  }

  /** Two classes: whether features 0 and 1 have the same sign; two more features are noise. */
  private static final class Xor {
    final float[][] features;
    final float[][] targets;
    final double[] weights;
    final int[] labels;

    Xor(int n, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      features = new float[n][4];
      labels = new int[n];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < 4; c++) {
          features[i][c] = (float) r.nextGaussian();
        }
        labels[i] = features[i][0] * features[i][1] > 0 ? 1 : 0;
      }
      targets = MlpAdaptorTrainerTest.softTargets(labels, 2);
      weights = MlpAdaptorTrainerTest.weights(n, seed);
    }

    double accuracy(Adaptor a) {
      int ok = 0;
      for (int i = 0; i < labels.length; i++) {
        ok += RidgeHead.argmax(a.adaptorLogits(features[i])) == labels[i] ? 1 : 0;
      }
      return (double) ok / labels.length;
    }
  }
}
