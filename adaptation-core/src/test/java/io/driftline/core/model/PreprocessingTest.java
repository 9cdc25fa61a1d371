package io.driftline.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.driftline.core.image.Image;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

  @Test
  void normalisesWithTheDocumentedFormula() {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      float scale = random.nextBoolean() ? 1f : 255f;
      float[] mean = {(float) random.nextDouble() * scale, (float) random.nextDouble() * scale,
          (float) random.nextDouble() * scale};
      float[] std = {0.1f + (float) random.nextDouble() * scale, 0.1f + (float) random.nextDouble() * scale,
          0.1f + (float) random.nextDouble() * scale};
      Preprocessing p = new Preprocessing(scale, mean, std);
      Image image = TestGraphs.randomImage(random, 3, 2, 3);
      float[] out = new float[2 + image.size()];
      p.normaliseInto(image, out, 2);
      assertThat(out[0]).isZero();
      assertThat(out[1]).isZero();
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 6; i++) {
          double x = image.pixels()[c * 6 + i];
          double expected = (x * scale - mean[c]) / std[c];
          assertThat((double) out[2 + c * 6 + i]).isCloseTo(expected, within(1e-4 * Math.max(1, Math.abs(expected))));
          assertThat(p.normalise((float) x, c)).isEqualTo(out[2 + c * 6 + i]);
        }
      }
    }
  }

  @Test
  void oneValueAppliesToEveryChannel() {
    Preprocessing p = Preprocessing.of(1f, 0.25f, 0.5f);
    assertThat(p.fits(1)).isTrue();
    assertThat(p.fits(3)).isTrue();
    assertThat(p.normalise(0.75f, 2)).isEqualTo(1f);
    Preprocessing rgb = new Preprocessing(1f, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    assertThat(rgb.fits(1)).isFalse();
    assertThatThrownBy(() -> rgb.normaliseInto(Image.zeros(1, 2, 2), new float[4], 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 channel statistics");
  }

  @Test
  void rejectsValuesThatCannotNormalise() {
    assertThatThrownBy(() -> Preprocessing.of(0f, 0f, 1f)).hasMessageContaining("pixelScale");
    assertThatThrownBy(() -> Preprocessing.of(1f, 0f, 0f)).hasMessageContaining("std[0]");
    assertThatThrownBy(() -> Preprocessing.of(1f, Float.NaN, 1f)).hasMessageContaining("mean[0]");
    assertThatThrownBy(() -> new Preprocessing(1f, new float[] {0, 0}, new float[] {1}))
        .hasMessageContaining("same non-zero length");
  }

  @Test
  void isImmutable() {
    float[] mean = {0.5f};
    Preprocessing p = new Preprocessing(1f, mean, new float[] {1f});
    mean[0] = 9f;
    p.mean()[0] = 7f;
    assertThat(p.mean()).containsExactly(0.5f);
  }

  @Test
  void metadataRoundTripsAndDefaultsMissingKeys() {
    Preprocessing imagenet = new Preprocessing(255f, new float[] {123.675f, 116.28f, 103.53f},
        new float[] {58.395f, 57.12f, 57.375f});
    assertThat(Preprocessing.fromMetadata(imagenet.toMetadata(), "m")).isEqualTo(imagenet);
    assertThat(Preprocessing.fromMetadata(Map.of("other", "1"), "m")).isNull();
    assertThat(Preprocessing.fromMetadata(Map.of(Preprocessing.MEAN_KEY, "0.5"), "m"))
        .isEqualTo(Preprocessing.of(1f, 0.5f, 1f));
    assertThat(Preprocessing.fromMetadata(Map.of(Preprocessing.MEAN_KEY, "0.1, 0.2, 0.3", Preprocessing.STD_KEY, "2"), "m"))
        .isEqualTo(new Preprocessing(1f, new float[] {0.1f, 0.2f, 0.3f}, new float[] {2f, 2f, 2f}));
  }

  @Test
  void badMetadataNamesTheKeyAndModel() {
    assertThatThrownBy(() -> Preprocessing.fromMetadata(Map.of(Preprocessing.PIXEL_SCALE_KEY, "1,2"), "m.onnx"))
        .isInstanceOf(StudentModelException.class)
        .hasMessageContaining(Preprocessing.PIXEL_SCALE_KEY).hasMessageContaining("m.onnx");
    assertThatThrownBy(() -> Preprocessing.fromMetadata(
        Map.of(Preprocessing.MEAN_KEY, "1,2", Preprocessing.STD_KEY, "1,2,3"), "m.onnx"))
        .isInstanceOf(StudentModelException.class).hasMessageContaining("2 and 3 values");
    assertThatThrownBy(() -> Preprocessing.fromMetadata(Map.of(Preprocessing.STD_KEY, "0"), "m.onnx"))
        .isInstanceOf(StudentModelException.class).hasMessageContaining("std[0]");
  }
}
