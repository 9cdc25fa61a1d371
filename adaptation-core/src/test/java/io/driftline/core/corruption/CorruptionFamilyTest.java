package io.driftline.core.corruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.image.Image;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties every corruption family must have, checked family by family. */
class CorruptionFamilyTest {

  /**
   * Families whose output depends on (seed, index). Written out here, not derived from the code, so
   * a family that silently ignores its random stream (or uses one it should not) fails.
   */
  private static final Set<CorruptionFamily> RANDOM = EnumSet.of(
      CorruptionFamily.GAUSSIAN_NOISE, CorruptionFamily.SHOT_NOISE, CorruptionFamily.IMPULSE_NOISE,
      CorruptionFamily.MOTION_BLUR, CorruptionFamily.FOG, CorruptionFamily.SNOW, CorruptionFamily.RAIN,
      CorruptionFamily.DARKEN, CorruptionFamily.PIXELATE, CorruptionFamily.ELASTIC,
      CorruptionFamily.ROTATE_TRANSLATE);

  private static final int INDICES_PER_LEVEL = 8;

  @Test
  void sameArgumentsGiveIdenticalPixels() {
    Image clean = TestImages.colour(20, 26);
    for (CorruptionFamily family : CorruptionFamily.values()) {
      for (int severity = 1; severity <= 5; severity++) {
        Image first = family.apply(clean, severity, 77, 12);
        Image second = family.apply(clean.copy(), severity, 77, 12);
        assertThat(second.pixels()).as("%s severity %d", family, severity).containsExactly(first.pixels());
      }
    }
  }

  @Test
  void outputDoesNotDependOnCallOrderOrThreads() throws Exception {
    Image clean = TestImages.rampWithBox(28, 28);
    List<Image> sequential = new ArrayList<>();
    for (CorruptionFamily family : CorruptionFamily.values()) {
      sequential.add(family.apply(clean, 3, 5, 9));
    }
    // Interleave other calls on other threads: a shared generator would shift the streams.
    List<Thread> threads = new ArrayList<>();
    Image[] parallel = new Image[CorruptionFamily.values().length];
    for (CorruptionFamily family : CorruptionFamily.values()) {
      Thread t = new Thread(() -> {
        for (int k = 0; k < 3; k++) {
          family.apply(clean, 5, 123, k);
        }
        parallel[family.ordinal()] = family.apply(clean, 3, 5, 9);
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (CorruptionFamily family : CorruptionFamily.values()) {
      assertThat(parallel[family.ordinal()].pixels()).as(family.id())
          .containsExactly(sequential.get(family.ordinal()).pixels());
    }
  }

  @Test
  void randomFamiliesDrawNewNoiseForEveryIndexAndSeed() {
    Image clean = TestImages.colour(28, 28);
    for (CorruptionFamily family : RANDOM) {
      Set<Image> byIndex = new HashSet<>();
      Set<Image> bySeed = new HashSet<>();
      for (int k = 0; k < 6; k++) {
        byIndex.add(family.apply(clean, 5, 1, k));
        bySeed.add(family.apply(clean, 5, 1000 + k, 0));
      }
      // Pixelate draws only the grid phase, one of block^2 = 36 at severity 5, so two frames may
      // legitimately coincide; every other family draws continuous values.
      int expected = family == CorruptionFamily.PIXELATE ? 4 : 6;
      assertThat(byIndex).as("%s over indices 0..5", family).hasSizeGreaterThanOrEqualTo(expected);
      assertThat(bySeed).as("%s over seeds 1000..1005", family).hasSizeGreaterThanOrEqualTo(expected);
    }
  }

  @Test
  void deterministicFamiliesIgnoreSeedAndIndex() {
    Image clean = TestImages.colour(28, 28);
    for (CorruptionFamily family : EnumSet.complementOf(EnumSet.copyOf(RANDOM))) {
      Image reference = family.apply(clean, 4, 1, 0);
      assertThat(family.apply(clean, 4, 99, 0)).as(family.id()).isEqualTo(reference);
      assertThat(family.apply(clean, 4, 1, 31)).as(family.id()).isEqualTo(reference);
    }
  }

  @Test
  void theSameSeedInDifferentFamiliesGivesUnrelatedStreams() {
    assertThat(CorruptionKernels.mix(1, 0, 0)).isNotEqualTo(CorruptionKernels.mix(1, 0, 1));
    assertThat(CorruptionKernels.mix(1, 0, 0)).isNotEqualTo(CorruptionKernels.mix(1, 1, 0));
    assertThat(CorruptionKernels.mix(1, 0, 0)).isNotEqualTo(CorruptionKernels.mix(2, 0, 0));
    // Seed and index must not be interchangeable, or frame 1 of seed 0 would replay frame 0 of seed 1.
    assertThat(CorruptionKernels.mix(0, 1, 0)).isNotEqualTo(CorruptionKernels.mix(1, 0, 0));
  }

  @Test
  void inputIsNeverModified() {
    for (Image clean : TestImages.varied()) {
      float[] before = clean.pixels().clone();
      for (CorruptionFamily family : CorruptionFamily.values()) {
        for (int severity = 1; severity <= 5; severity++) {
          family.apply(clean, severity, 3, severity);
          assertThat(clean.pixels()).as("%s severity %d", family, severity).containsExactly(before);
        }
      }
    }
  }

  @Test
  void outputStaysInUnitRangeAndKeepsTheShape() {
    SplittableRandom random = new SplittableRandom(2024);
    int[][] shapes = {{1, 28, 28}, {3, 32, 32}, {1, 20, 36}, {3, 17, 23}, {2, 12, 16}, {1, 3, 5}, {4, 40, 9}};
    for (int[] shape : shapes) {
      float[] pixels = new float[shape[0] * shape[1] * shape[2]];
      for (int i = 0; i < pixels.length; i++) {
        // Include the extremes, which clamping and gamma curves must handle.
        double u = random.nextDouble();
        pixels[i] = u < 0.1 ? 0f : u > 0.9 ? 1f : (float) random.nextDouble();
      }
      Image clean = Image.wrap(shape[0], shape[1], shape[2], pixels);
      for (CorruptionFamily family : CorruptionFamily.values()) {
        for (int severity = 1; severity <= 5; severity++) {
          Image out = family.apply(clean, severity, 11, 4);
          assertThat(out.sameShape(clean)).as("%s on %s", family, clean).isTrue();
          for (float v : out.pixels()) {
            assertThat(v).as("%s severity %d on %s", family, severity, clean).isBetween(0f, 1f);
          }
        }
      }
    }
  }

  @Test
  void higherSeverityMovesFurtherFromTheCleanImage() {
    for (Image clean : TestImages.varied()) {
      for (CorruptionFamily family : CorruptionFamily.values()) {
        double[] distance = new double[6];
        for (int severity = 1; severity <= 5; severity++) {
          for (int k = 0; k < INDICES_PER_LEVEL; k++) {
            distance[severity] += meanAbsoluteDifference(family.apply(clean, severity, 2026, k), clean);
          }
          distance[severity] /= INDICES_PER_LEVEL;
        }
        for (int severity = 2; severity <= 5; severity++) {
          assertThat(distance[severity])
              .as("%s on %s: distance at severity %d vs %d", family, clean, severity, severity - 1)
              .isGreaterThanOrEqualTo(distance[severity - 1]);
        }
        assertThat(distance[5]).as("%s on %s: severity 5 vs 1", family, clean)
            .isGreaterThan(distance[1] + 0.005);
      }
    }
  }

  @Test
  void severityOutOfRangeIsRejectedNamingFamilyAndValue() {
    Image clean = TestImages.disc(8, 8, 2);
    for (CorruptionFamily family : CorruptionFamily.values()) {
      for (int bad : new int[] {0, 6, -1}) {
        assertThatThrownBy(() -> family.apply(clean, bad, 0, 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(family.id())
            .hasMessageContaining("got " + bad);
      }
    }
  }

  @Test
  void byIdFindsEveryFamilyByItsIdAndName() {
    for (CorruptionFamily family : CorruptionFamily.values()) {
      assertThat(CorruptionFamily.byId(family.id())).contains(family);
      assertThat(CorruptionFamily.byId(family.name())).contains(family);
      assertThat(CorruptionFamily.byId(" " + family.id().toUpperCase() + " ")).contains(family);
      assertThat(family.id()).matches("[a-z]+(-[a-z]+)*");
    }
    assertThat(CorruptionFamily.byId("gaussian-blur")).isEmpty();
    assertThat(CorruptionFamily.values()).hasSize(15);
  }

  static double meanAbsoluteDifference(Image a, Image b) {
    double sum = 0;
    for (int i = 0; i < a.size(); i++) {
      sum += Math.abs(a.pixels()[i] - b.pixels()[i]);
    }
    return sum / a.size();
  }
}
