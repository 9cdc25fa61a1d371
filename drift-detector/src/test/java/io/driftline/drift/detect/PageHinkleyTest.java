package io.driftline.drift.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PageHinkleyTest {

  @Test
  void computesTheStatisticByHand() {
    // x = 0, 0, 0, 10 with delta 0: running means 0, 0, 0, 2.5; up = 0, 0, 0, 7.5; min up = 0,
    // last reached at index 2, so the change starts at 3.
    PageHinkley ph = new PageHinkley(0, 7);
    assertThat(ph.update(0, 0)).isFalse();
    assertThat(ph.update(0, 1)).isFalse();
    assertThat(ph.update(0, 2)).isFalse();
    assertThat(ph.update(10, 3)).isTrue();
    assertThat(ph.statistic()).isEqualTo(7.5, within(1e-12));
    assertThat(ph.rising()).isTrue();
    assertThat(ph.changeStart()).isEqualTo(3);
  }

  @Test
  void deltaDiscountsEachStepAndDetectsFalls() {
    // x = 1, 1, -2 with delta 0.5: means 1, 1, 0; down = 0.5, 1, -0.5 -> max down - down = 1.5.
    PageHinkley ph = new PageHinkley(0.5, 1.4);
    ph.update(1, 10);
    ph.update(1, 11);
    assertThat(ph.update(-2, 12)).isTrue();
    assertThat(ph.statistic()).isEqualTo(1.5, within(1e-12));
    assertThat(ph.rising()).isFalse();
    assertThat(ph.changeStart()).isEqualTo(12);
  }

  @Test
  void staysQuietOnStationaryNoiseAndFiresSoonAfterAShift() {
    SplittableRandom random = new SplittableRandom(3);
    PageHinkley ph = new PageHinkley(0.5, 10);
    for (int i = 0; i < 2_000; i++) {
      assertThat(ph.update(random.nextGaussian(), i)).as("window %d", i).isFalse();
    }
    int fired = -1;
    for (int i = 2_000; i < 2_020 && fired < 0; i++) {
      if (ph.update(3 + random.nextGaussian(), i)) {
        fired = i;
      }
    }
    // A shift of 3 sigma, minus delta 0.5, needs about lambda / 2.5 = 4 observations.
    assertThat(fired).isBetween(2_002, 2_008);
    assertThat(ph.changeStart()).isBetween(1_995L, 2_001L);
  }

  @Test
  void restoreBringsBackTheSameState() {
    PageHinkley a = new PageHinkley(0.1, 5);
    for (int i = 0; i < 10; i++) {
      a.update(i % 3, i);
    }
    PageHinkley b = new PageHinkley(0.1, 5);
    b.restore(a.count(), a.mean(), a.up(), a.minUp(), a.minUpAt(), a.down(), a.maxDown(), a.maxDownAt());
    assertThat(b.update(7, 10)).isEqualTo(a.update(7, 10));
    assertThat(b.statistic()).isEqualTo(a.statistic());
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> new PageHinkley(-1, 1)).hasMessageContaining("delta");
    assertThatThrownBy(() -> new PageHinkley(0, 0)).hasMessageContaining("lambda");
  }
}
