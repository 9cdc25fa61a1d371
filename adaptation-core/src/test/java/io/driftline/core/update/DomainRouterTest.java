package io.driftline.core.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.hdc.Hypervector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DomainRouterTest {

  private static final int DIM = 1000;

  private static Hypervector random(SplittableRandom rnd) {
    long[] words = new long[Hypervector.wordsFor(DIM)];
    for (int i = 0; i < words.length; i++) {
      words[i] = rnd.nextLong();
    }
    words[words.length - 1] &= (1L << (DIM % 64)) - 1;
    return new Hypervector(DIM, words);
  }

  private static Hypervector flip(Hypervector v, int count, SplittableRandom rnd) {
    long[] words = v.words().clone();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < DIM; i++) {
      positions.add(i);
    }
    Collections.shuffle(positions, new java.util.Random(rnd.nextLong()));
    for (int i = 0; i < count; i++) {
      int bit = positions.get(i);
      words[bit >>> 6] ^= 1L << (bit & 63);
    }
    return new Hypervector(DIM, words);
  }

  /** A 1-feature, 1-class adaptor whose logit is a fixed marker, so the route shows in the output. */
  private static Adaptor marker(float value) {
    return Adaptor.of(List.<float[][]>of(new float[][] {{0f}}), List.of(new float[] {value}), Precision.FP32, false);
  }

  @Test
  void closestDomainWins() {
    SplittableRandom rnd = new SplittableRandom(41);
    Hypervector fog = random(rnd);
    Hypervector night = random(rnd);
    Hypervector rain = random(rnd);
    DomainRouter router = new DomainRouter(List.of(
        new DomainAdaptor("fog", fog, marker(1f)),
        new DomainAdaptor("night", night, marker(2f)),
        new DomainAdaptor("rain", rain, marker(3f))), 0.7);
    Hypervector frame = flip(night, 100, rnd);
    DomainRouter.Routed routed = router.apply(frame, new float[] {0.5f}, new float[] {9f});
    assertThat(routed.route().routeId()).isEqualTo("night");
    assertThat(routed.route().similarity()).isEqualTo(0.9);
    assertThat(routed.logits()).containsExactly(2f);
    assertThat(router.route(flip(rain, 50, rnd)).routeId()).isEqualTo("rain");
  }

  @Test
  void belowThresholdFallsBackToTheStudent() {
    SplittableRandom rnd = new SplittableRandom(42);
    Hypervector fog = random(rnd);
    DomainRouter router = new DomainRouter(List.of(new DomainAdaptor("fog", fog, marker(1f))), 0.8);
    float[] student = {4f, 5f};
    DomainRouter.Routed routed = router.apply(flip(fog, 300, rnd), new float[] {0f}, student);
    assertThat(routed.route().isStudent()).isTrue();
    assertThat(routed.route().routeId()).isEqualTo(DomainRouter.STUDENT_ROUTE);
    assertThat(routed.route().similarity()).isEqualTo(0.7);
    assertThat(routed.logits()).isSameAs(student).containsExactly(4f, 5f);
    // exactly at the threshold the domain is taken
    assertThat(router.route(flip(fog, 200, rnd)).routeId()).isEqualTo("fog");
  }

  @Test
  void tiesGoToTheSmallestDomainIdWhateverTheOrder() {
    SplittableRandom rnd = new SplittableRandom(43);
    Hypervector shared = random(rnd);
    List<DomainAdaptor> domains = new ArrayList<>(List.of(
        new DomainAdaptor("b-dusk", shared, marker(2f)),
        new DomainAdaptor("a-dawn", shared, marker(1f)),
        new DomainAdaptor("c-noon", shared, marker(3f))));
    Hypervector frame = flip(shared, 10, rnd);
    for (int i = 0; i < 3; i++) {
      Collections.rotate(domains, 1);
      assertThat(new DomainRouter(domains, 0.5).route(frame).routeId()).isEqualTo("a-dawn");
    }
  }

  @Test
  void emptyRouterAlwaysUsesTheStudent() {
    DomainRouter router = new DomainRouter(List.of(), 0.0);
    float[] student = {1f};
    DomainRouter.Routed routed = router.apply(random(new SplittableRandom(44)), new float[0], student);
    assertThat(routed.route().routeId()).isEqualTo("student");
    assertThat(routed.logits()).isSameAs(student);
  }

  @Test
  void rejectsInconsistentDomains() {
    SplittableRandom rnd = new SplittableRandom(45);
    Hypervector v = random(rnd);
    assertThatThrownBy(() -> new DomainRouter(List.of(
            new DomainAdaptor("fog", v, marker(1f)), new DomainAdaptor("fog", v, marker(2f))), 0.6))
        .hasMessageContaining("'fog' appears twice");
    assertThatThrownBy(() -> new DomainAdaptor("student", v, marker(1f)))
        .hasMessageContaining("reserved");
    Hypervector small = new Hypervector(64, new long[] {1L});
    assertThatThrownBy(() -> new DomainRouter(List.of(
            new DomainAdaptor("fog", v, marker(1f)), new DomainAdaptor("rain", small, marker(2f))), 0.6))
        .hasMessageContaining("'rain' has 64 bits");
    DomainRouter router = new DomainRouter(List.of(new DomainAdaptor("fog", v, marker(1f))), 0.6);
    assertThatThrownBy(() -> router.route(small)).hasMessageContaining("frame hypervector has 64 bits");
    assertThatThrownBy(() -> new DomainRouter(List.of(), 1.5)).hasMessageContaining("[0,1]");
  }
}
