package io.driftline.core.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.image.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrameRouterTest {

  /** A bright blob of random size and place on a black background, like a Fashion-MNIST item. */
  private static Image item(SplittableRandom rnd) {
    float[] pixels = new float[28 * 28];
    int cx = 8 + rnd.nextInt(12);
    int cy = 8 + rnd.nextInt(12);
    int r = 4 + rnd.nextInt(6);
    float level = (float) rnd.nextDouble(0.4, 1.0);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) {
          pixels[y * 28 + x] = level * (float) rnd.nextDouble(0.7, 1.0);
        }
      }
    }
    return Image.wrap(1, 28, 28, pixels);
  }

  private static List<Image> items(int n, long seed, CorruptionFamily family, int severity) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Image> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Image clean = item(rnd);
      out.add(family == null ? clean : family.apply(clean, severity, seed, i));
    }
    return out;
  }

  @Test
  void rawFramesGoToTheirDomainAndCleanFramesKeepTheStudent() {
    List<Image> source = items(200, 1, null, 0);
    FrameRouting routing = FrameRouting.fit(source, source, 1024, HdcEncoder.DEFAULT_SEED, 0);
    VisualPrompt fogPrompt = new VisualPrompt(new float[] {1.5f}, new float[] {-0.3f}, 1, 1, new float[] {0});
    FrameRouter router = new FrameRouter(routing, List.of(
        new FrameRouter.Domain("fog", routing.prototype(items(25, 2, CorruptionFamily.FOG, 5)), fogPrompt, null),
        new FrameRouter.Domain("noise", routing.prototype(items(25, 3, CorruptionFamily.GAUSSIAN_NOISE, 5)),
            null, null)));
    int fog = 0;
    int noise = 0;
    int clean = 0;
    for (Image frame : items(100, 4, CorruptionFamily.FOG, 5)) {
      fog += router.route(frame).routeId().equals("fog") ? 1 : 0;
    }
    for (Image frame : items(100, 5, CorruptionFamily.GAUSSIAN_NOISE, 5)) {
      noise += router.route(frame).routeId().equals("noise") ? 1 : 0;
    }
    for (Image frame : items(100, 6, null, 0)) {
      clean += router.route(frame).isStudent() ? 1 : 0;
    }
    // two thirds at least: synthetic items vary more in size and brightness than Fashion-MNIST
    // items, on which docs/adaptation.md reports the real shares
    assertThat(fog).as("fog frames routed to fog").isGreaterThan(66);
    assertThat(noise).as("noise frames routed to noise").isGreaterThan(66);
    assertThat(clean).as("clean frames that keep the student").isGreaterThan(66);

    Image frame = items(1, 7, CorruptionFamily.FOG, 5).get(0);
    FrameRouter.Route route = router.route(frame);
    assertThat(route.routeId()).isEqualTo("fog");
    assertThat(route.prompted(frame)).isEqualTo(fogPrompt.apply(frame));
    float[] logits = {1, 2};
    assertThat(route.logits(new float[] {0}, logits)).isSameAs(logits);
    Image cleanFrame = items(1, 8, null, 0).get(0);
    assertThat(router.route(cleanFrame).prompted(cleanFrame)).isSameAs(cleanFrame);
  }

  @Test
  void theDescriptorIgnoresWhereTheItemIsButSeesTheCorruption() {
    SplittableRandom rnd = new SplittableRandom(9);
    Image a = item(rnd);
    float[] shifted = new float[28 * 28];
    for (int y = 0; y < 28; y++) {
      for (int x = 1; x < 28; x++) {
        shifted[y * 28 + x - 1] = a.pixels()[y * 28 + x];
      }
    }
    float[] d = FrameRouting.describe(a);
    assertThat(FrameRouting.describe(Image.wrap(1, 28, 28, shifted))).containsExactly(d);
    assertThat(d).hasSize(FrameRouting.DESCRIPTOR_LENGTH);
    assertThat(FrameRouting.describe(CorruptionFamily.FOG.apply(a, 5, 1, 0))[13]).isGreaterThan(d[13] + 0.1f);
  }

  @Test
  void badParametersAreRejected() {
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(FrameRouting.DESCRIPTOR_LENGTH).optDimension(64)
        .build();
    float[] ok = new float[FrameRouting.DESCRIPTOR_LENGTH];
    io.driftline.core.hdc.Hypervector source = encoder.encode(ok);
    assertThatThrownBy(() -> new FrameRouting(new float[3], ok, encoder, source, 0))
        .hasMessageContaining("needs " + FrameRouting.DESCRIPTOR_LENGTH);
    assertThatThrownBy(() -> new FrameRouting(ok, ok, encoder, source, 1.0)).hasMessageContaining("margin");
    FrameRouting routing = new FrameRouting(ok, ok, encoder, source, 0);
    assertThatThrownBy(() -> new FrameRouter(routing, List.of(
        new FrameRouter.Domain("a", source, null, null), new FrameRouter.Domain("a", source, null, null))))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> new FrameRouter.Domain("student", source, null, null)).hasMessageContaining("student");
  }
}
