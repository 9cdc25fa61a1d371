package io.driftline.teacher.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.image.Image;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

  private final TrainingConfig config = new TrainingConfig(2, 8, 1e-2f, 0f, 0.1, 1, null);

  @Test
  void learningRateWarmsUpThenDecaysToZero() {
    assertThat(config.learningRateAt(0, 100)).isCloseTo(1e-3f, within(1e-7f));
    assertThat(config.learningRateAt(9, 100)).isCloseTo(1e-2f, within(1e-7f));
    assertThat(config.learningRateAt(55, 100)).isCloseTo(5e-3f, within(1e-4f));
    assertThat(config.learningRateAt(100, 100)).isCloseTo(0f, within(1e-7f));
  }

  @Test
  void rejectsBadRanges() {
    assertThatThrownBy(() -> new TrainingConfig(0, 8, 1e-2f, 0f, 0, 1, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TrainingConfig(1, 8, 0f, 0f, 0, 1, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CorruptionAugmentation(List.of(), 0.5, 1, 5, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CorruptionAugmentation(List.of(CorruptionFamily.FOG), 1.5, 1, 5, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void augmentationIsRepeatableAndCorruptsAboutTheGivenShare() {
    CorruptionAugmentation augmentation = new CorruptionAugmentation(
        List.of(CorruptionFamily.GAUSSIAN_NOISE), 0.3, 2, 4, 7);
    float[] pixels = new float[28 * 28];
    java.util.Arrays.fill(pixels, 0.5f);
    Image clean = Image.wrap(1, 28, 28, pixels);
    int corrupted = 0;
    for (int i = 0; i < 1000; i++) {
      Image out = augmentation.apply(clean, 1, i);
      assertThat(out).isEqualTo(augmentation.apply(clean, 1, i));
      if (out != clean) {
        corrupted++;
      }
    }
    assertThat(corrupted / 1000.0).isCloseTo(0.3, within(0.05));
  }
}
