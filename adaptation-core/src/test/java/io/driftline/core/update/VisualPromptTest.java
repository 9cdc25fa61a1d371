package io.driftline.core.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VisualPromptTest {

  private static Image randomFrame(SplittableRandom rnd, int c, int h, int w) {
    float[] p = new float[c * h * w];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) rnd.nextDouble();
    }
    return Image.wrap(c, h, w, p);
  }

  private static float[] randomValues(SplittableRandom rnd, int n, double spread) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * spread);
    }
    return v;
  }

  private static float clip(double v) {
    return (float) Math.min(1.0, Math.max(0.0, v));
  }

  @Test
  void identityLeavesFramesUnchanged() {
    SplittableRandom rnd = new SplittableRandom(31);
    for (int channels : new int[] {1, 3}) {
      VisualPrompt identity = VisualPrompt.identity(channels);
      for (int trial = 0; trial < 5; trial++) {
        Image frame = randomFrame(rnd, channels, 5 + trial, 7);
        assertThat(identity.apply(frame)).isEqualTo(frame);
      }
    }
  }

  @Test
  void fullResolutionPromptFollowsTheFormula() {
    SplittableRandom rnd = new SplittableRandom(32);
    int c = 3;
    int h = 6;
    int w = 5;
    float[] a = {0.5f, 1.5f, -1f};
    float[] b = {0.1f, -0.2f, 0.9f};
    float[] p = randomValues(rnd, c * h * w, 0.6);
    VisualPrompt prompt = new VisualPrompt(a, b, h, w, p);
    Image frame = randomFrame(rnd, c, h, w);
    Image before = frame.copy();
    Image out = prompt.apply(frame);
    boolean clipped = false;
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = (ch * h + y) * w + x;
          double raw = (double) a[ch] * frame.pixels()[i] + b[ch] + p[i];
          clipped |= raw < 0 || raw > 1;
          assertThat(out.get(ch, y, x)).isCloseTo(clip(raw), org.assertj.core.data.Offset.offset(1e-6f));
        }
      }
    }
    assertThat(clipped).as("the case exercises clipping").isTrue();
    assertThat(frame).as("input untouched").isEqualTo(before);
  }

  @Test
  void lowResolutionPromptIsUpsampledBilinearly() {
    SplittableRandom rnd = new SplittableRandom(33);
    float[] p = randomValues(rnd, 2 * 3 * 3, 0.2);
    VisualPrompt low = new VisualPrompt(new float[] {1f, 1f}, new float[] {0f, 0f}, 3, 3, p);
    Image upsampled = ImageOps.resize(Image.wrap(2, 3, 3, p.clone()), 12, 12);
    VisualPrompt full =
        new VisualPrompt(new float[] {1f, 1f}, new float[] {0f, 0f}, 12, 12, upsampled.pixels());
    Image frame = randomFrame(rnd, 2, 12, 12);
    assertThat(low.apply(frame)).isEqualTo(full.apply(frame));

    // a constant low-resolution prompt stays exactly constant when upsampled
    VisualPrompt constant = new VisualPrompt(new float[] {0f}, new float[] {0f}, 2, 2,
        new float[] {0.25f, 0.25f, 0.25f, 0.25f});
    for (float v : constant.apply(Image.zeros(1, 9, 11)).pixels()) {
      assertThat(v).isEqualTo(0.25f);
    }
  }

  @Test
  void cachedUpsamplingFollowsFrameSizeChanges() {
    SplittableRandom rnd = new SplittableRandom(34);
    float[] p = randomValues(rnd, 4 * 4, 0.3);
    VisualPrompt shared = new VisualPrompt(new float[] {0.9f}, new float[] {0.05f}, 4, 4, p);
    int[][] sizes = {{8, 8}, {16, 10}, {8, 8}, {4, 4}, {16, 10}};
    for (int[] size : sizes) {
      Image frame = randomFrame(rnd, 1, size[0], size[1]);
      VisualPrompt fresh = new VisualPrompt(new float[] {0.9f}, new float[] {0.05f}, 4, 4, p);
      assertThat(shared.apply(frame)).isEqualTo(fresh.apply(frame));
    }
  }

  @Test
  void inPlaceVariantMatchesApply() {
    SplittableRandom rnd = new SplittableRandom(35);
    VisualPrompt prompt = new VisualPrompt(
        new float[] {1.2f, 0.8f, 1f}, new float[] {0f, 0.1f, -0.1f}, 2, 3, randomValues(rnd, 18, 0.3));
    Image frame = randomFrame(rnd, 3, 10, 9);
    float[] buffer = frame.pixels().clone();
    prompt.applyInPlace(buffer, 3, 10, 9);
    assertThat(buffer).containsExactly(prompt.apply(frame).pixels());
  }

  @Test
  void channelMismatchIsAClearError() {
    VisualPrompt rgb = VisualPrompt.identity(3);
    assertThatThrownBy(() -> rgb.apply(Image.zeros(1, 4, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3-channel")
        .hasMessageContaining("has 1 channels");
    assertThatThrownBy(() -> rgb.applyInPlace(new float[47], 3, 4, 4))
        .hasMessageContaining("47 values");
    assertThatThrownBy(() -> new VisualPrompt(new float[] {1f}, new float[] {0f}, 2, 2, new float[3]))
        .hasMessageContaining("needs 4 values, got 3");
    assertThatThrownBy(
            () -> new VisualPrompt(new float[] {Float.NaN}, new float[] {0f}, 1, 1, new float[1]))
        .hasMessageContaining("scale[0]");
  }

  @Test
  void equalityIsByValue() {
    VisualPrompt a = new VisualPrompt(new float[] {1f}, new float[] {0f}, 1, 2, new float[] {0.1f, 0.2f});
    VisualPrompt b = new VisualPrompt(new float[] {1f}, new float[] {0f}, 1, 2, new float[] {0.1f, 0.2f});
    VisualPrompt c = new VisualPrompt(new float[] {1f}, new float[] {0f}, 2, 1, new float[] {0.1f, 0.2f});
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.parameterCount()).isEqualTo(4);
  }
}
