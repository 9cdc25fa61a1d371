package io.driftline.teacher.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftline.core.image.Image;
import io.driftline.core.model.Preprocessing;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.onnx.ReferenceArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PseudoLabelerTest {

  private static final float[] CONFIDENT = {4f, 0f, 0f};
  private static final float[] UNSURE = {0.2f, 0.1f, 0f};

  @Test
  void softLabelsAreTheTeacherProbabilitiesAndConfidenceTheirMaximum() {
    PseudoLabel label = PseudoLabeler.fromLogits(3, CONFIDENT, PseudoLabelPolicy.all());
    double e4 = Math.exp(4);
    assertThat(label.index()).isEqualTo(3);
    assertThat(label.label()).isZero();
    assertThat(label.confidence()).isCloseTo(e4 / (e4 + 2), within(1e-6));
    assertThat(label.probabilities()[1]).isCloseTo((float) (1 / (e4 + 2)), within(1e-6f));
    assertThat(label.weight()).isEqualTo(1);
  }

  @Test
  void temperatureSoftensTheLabels() {
    PseudoLabel sharp = PseudoLabeler.fromLogits(0, CONFIDENT, PseudoLabelPolicy.all());
    PseudoLabel soft = PseudoLabeler.fromLogits(0, CONFIDENT, PseudoLabelPolicy.all().withTemperature(4));
    assertThat(soft.label()).isEqualTo(sharp.label());
    assertThat(soft.confidence()).isLessThan(sharp.confidence());
    assertThat(soft.confidence()).isCloseTo(Math.E / (Math.E + 2), within(1e-6));
  }

  @Test
  void filterDropsUnconfidentFrames() {
    PseudoLabelPolicy policy = PseudoLabelPolicy.filter(0.6);
    assertThat(PseudoLabeler.fromLogits(0, CONFIDENT, policy)).isNotNull();
    assertThat(PseudoLabeler.fromLogits(1, UNSURE, policy)).isNull();
  }

  @Test
  void weightingKeepsEveryFrameAndFavoursConfidentOnes() {
    PseudoLabelPolicy policy = PseudoLabelPolicy.weight(2);
    PseudoLabel confident = PseudoLabeler.fromLogits(0, CONFIDENT, policy);
    PseudoLabel unsure = PseudoLabeler.fromLogits(1, UNSURE, policy);
    assertThat(confident.weight()).isCloseTo(confident.confidence() * confident.confidence(), within(1e-12));
    assertThat(unsure.weight()).isPositive().isLessThan(confident.weight());
  }

  @Test
  void rejectsBadPolicies() {
    assertThatThrownBy(() -> PseudoLabelPolicy.filter(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PseudoLabelPolicy.all().withTemperature(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PseudoLabelPolicy.weight(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static final ReferenceArchitecture.InputSpec SPEC =
      new ReferenceArchitecture.InputSpec(1, 28, 28, List.of("a", "b", "c", "d"), Preprocessing.of(1f, 0.5f, 0.5f));

  private static List<Image> noise(int count) {
    List<Image> frames = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < count; i++) {
      float[] pixels = new float[28 * 28];
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = (float) random.nextDouble();
      }
      frames.add(Image.wrap(1, 28, 28, pixels));
    }
    return frames;
  }

  /** More frames than one teacher inference takes: every chunk's labels keep their frame's index and values. */
  @Test
  void labelsMoreFramesThanOneBatchInChunksWithTheirIndices() {
    List<Image> frames = noise(2 * PseudoLabeler.BATCH + 7);
    try (StudentModel teacher = StudentModel.load(ReferenceArchitecture.TEACHER.build(SPEC, 2).toByteArray(), "teacher")) {
      PseudoLabeler labeler = new PseudoLabeler(teacher, PseudoLabelPolicy.all());
      List<PseudoLabel> all = labeler.label(frames);
      assertThat(all).extracting(PseudoLabel::index).containsExactlyElementsOf(
          java.util.stream.IntStream.range(0, frames.size()).boxed().toList());
      for (int i : new int[] {0, PseudoLabeler.BATCH - 1, PseudoLabeler.BATCH, frames.size() - 1}) {
        PseudoLabel alone = labeler.label(List.of(frames.get(i))).get(0);
        assertThat(all.get(i).probabilities()).containsExactly(alone.probabilities(), within(1e-5f));
      }
    }
  }

  @Test
  void labelsFramesWithAnOnnxTeacherAndKeepsTheirIndices() {
    List<Image> frames = noise(20);
    try (StudentModel teacher = StudentModel.load(ReferenceArchitecture.TEACHER.build(SPEC, 2).toByteArray(), "teacher")) {
      List<PseudoLabel> all = new PseudoLabeler(teacher, PseudoLabelPolicy.all()).label(frames);
      assertThat(all).hasSize(20);
      for (PseudoLabel label : all) {
        double sum = 0;
        for (float p : label.probabilities()) {
          sum += p;
        }
        assertThat(sum).isCloseTo(1, within(1e-5));
      }
      double threshold = all.stream().mapToDouble(PseudoLabel::confidence).sorted().skip(10).findFirst().orElseThrow();
      List<PseudoLabel> kept = new PseudoLabeler(teacher, PseudoLabelPolicy.filter(threshold)).label(frames);
      assertThat(kept).hasSize(10).allSatisfy(l -> assertThat(l.confidence()).isGreaterThanOrEqualTo(threshold));
      assertThat(kept).extracting(PseudoLabel::index).isSorted()
          .allSatisfy(i -> assertThat(all.get(i).confidence()).isGreaterThanOrEqualTo(threshold));
    }
  }
}
