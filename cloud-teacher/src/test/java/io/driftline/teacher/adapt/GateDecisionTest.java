package io.driftline.teacher.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.teacher.label.PseudoLabel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateDecisionTest {

  /** 100 samples, label i % 4; a prediction array with {@code correct} right answers. */
  private static int[] predictions(int correct) {
    int[] p = new int[100];
    for (int i = 0; i < 100; i++) {
      p[i] = i < correct ? i % 4 : (i + 1) % 4;
    }
    return p;
  }

  private static int[] labels() {
    return predictions(100);
  }

  @Test
  void shipsWithEnoughGainAndNoSourceRegression() {
    GateComparison target = GateComparison.of(labels(), predictions(60), predictions(75));
    GateComparison source = GateComparison.of(labels(), predictions(90), predictions(89));
    GateDecision d = GateDecision.decide(GatePolicy.minGain(5), target, source);
    assertThat(d.ships()).isTrue();
    assertThat(target.gainPoints()).isCloseTo(15, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(d.lineage())
        .containsEntry("gate.decision", "ship")
        .containsEntry("gate.target.unadaptedAccuracy", "0.6000")
        .containsEntry("gate.target.adaptedAccuracy", "0.7500")
        .containsEntry("gate.source.gainPoints", "-1.0000")
        .containsEntry("gate.policy.minGainPoints", "5.0000");
  }

  @Test
  void rejectsAGainOnTooFewHeldOutSamples() {
    // 2 of 7 right before, 4 of 7 after: +28.6 points that rest on two frames
    GateComparison target = new GateComparison(7, 2 / 7.0, 4 / 7.0);
    GateComparison source = new GateComparison(200, 0.76, 0.76);
    GateDecision d = GateDecision.decide(new GatePolicy(0, 1, 20), target, source);
    assertThat(d.ships()).isFalse();
    assertThat(d.reason()).isEqualTo("only 7 held-out target samples, fewer than the 20 a gain must rest on (gain 28.57 points)");
    assertThat(d.lineage()).containsEntry("gate.policy.minTargetSamples", "20").containsEntry("gate.decision", "reject");
    assertThat(GateDecision.decide(new GatePolicy(0, 1, 7), target, source).ships()).as("7 are enough for 7").isTrue();
    assertThat(GateDecision.decide(new GatePolicy(0, 1), target, source).ships()).as("the library default").isTrue();
    assertThatThrownBy(() -> new GatePolicy(0, 1, 0)).hasMessageContaining("minTargetSamples");
  }

  @Test
  void rejectsInsufficientGain() {
    GateComparison target = GateComparison.of(labels(), predictions(60), predictions(64));
    GateComparison source = GateComparison.of(labels(), predictions(90), predictions(92));
    GateDecision d = GateDecision.decide(GatePolicy.minGain(5), target, source);
    assertThat(d.ships()).isFalse();
    assertThat(d.reason()).isEqualTo("target gain 4.00 points below 5.00");
    assertThat(d.lineage()).containsEntry("gate.decision", "reject");
  }

  @Test
  void rejectsSourceRegressionOverOnePointWhateverTheGain() {
    GateComparison target = GateComparison.of(labels(), predictions(40), predictions(95));
    GateComparison source = GateComparison.of(labels(), predictions(90), predictions(88));
    GateDecision d = GateDecision.decide(GatePolicy.minGain(0), target, source);
    assertThat(d.ships()).isFalse();
    assertThat(d.reason()).isEqualTo("source regression 2.00 points exceeds 1.00");
    // a stricter policy rejects a 1-point regression too
    GateComparison oneWorse = GateComparison.of(labels(), predictions(90), predictions(89));
    assertThat(GateDecision.decide(new GatePolicy(0, 0.5), target, oneWorse).ships()).isFalse();
  }

  @Test
  void comparesAgainstPseudoLabelsSkippingDroppedOnes() {
    List<PseudoLabel> pl = new ArrayList<>();
    pl.add(new PseudoLabel(0, new float[] {0.9f, 0.1f}, 0, 0.9, 1));
    pl.add(new PseudoLabel(1, new float[] {0.2f, 0.8f}, 1, 0.8, 1));
    pl.add(new PseudoLabel(2, new float[] {0.55f, 0.45f}, 0, 0.55, 0)); // dropped by the policy
    GateComparison c = GateComparison.ofPseudoLabels(pl, new int[] {0, 0, 1}, new int[] {0, 1, 1});
    assertThat(c.samples()).isEqualTo(2);
    assertThat(c.unadaptedAccuracy()).isEqualTo(0.5);
    assertThat(c.adaptedAccuracy()).isEqualTo(1.0);
  }

  @Test
  void rejectsBadPoliciesAndInputs() {
    assertThatThrownBy(() -> new GatePolicy(1, 1.5)).hasMessageContaining("[0, 1.0]");
    assertThatThrownBy(() -> new GatePolicy(Double.NaN, 1)).hasMessageContaining("minGainPoints");
    assertThatThrownBy(() -> GateComparison.of(new int[0], new int[0], new int[0]))
        .hasMessageContaining("non-zero");
    assertThatThrownBy(() -> GateComparison.of(new int[2], new int[2], new int[1]))
        .hasMessageContaining("1 adapted");
  }
}
