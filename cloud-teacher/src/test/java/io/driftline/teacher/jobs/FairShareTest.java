package io.driftline.teacher.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FairShareTest {

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void underTheCapNothingIsCut() {
    Map<String, List<Integer>> byDevice = Map.of("a", upTo(3), "b", upTo(4));
    assertThat(FairShare.cut(byDevice, 7)).isEqualTo(byDevice);
  }

  @Test
  void smallDevicesKeepAllAndTheRestShareWhatIsLeftKeepingTheNewest() {
    Map<String, List<Integer>> byDevice = new LinkedHashMap<>();
    byDevice.put("small", upTo(2));
    byDevice.put("big", upTo(100));
    byDevice.put("bigger", upTo(500));
    Map<String, List<Integer>> cut = FairShare.cut(byDevice, 21);

    assertThat(cut.get("small")).containsExactly(0, 1);
    // 19 left for two devices: one gets 10, the other 9, each its newest (the end of the list)
    assertThat(cut.get("big").size() + cut.get("bigger").size()).isEqualTo(19);
    assertThat(cut.get("big")).hasSizeBetween(9, 10).last().isEqualTo(99);
    assertThat(cut.get("bigger")).hasSizeBetween(9, 10).last().isEqualTo(499);
    assertThat(cut.get("bigger").get(0)).isEqualTo(500 - cut.get("bigger").size());
    assertThat(cut.keySet()).containsExactly("small", "big", "bigger");
  }

  @Test
  void aThousandDevicesGetAnEqualShareOfTheCap() {
    Map<String, List<Integer>> byDevice = new LinkedHashMap<>();
    for (int d = 0; d < 1000; d++) {
      byDevice.put("device-" + d, upTo(81));
    }
    Map<String, List<Integer>> cut = FairShare.cut(byDevice, 2000);
    assertThat(cut.values().stream().mapToInt(List::size).sum()).isEqualTo(2000);
    assertThat(cut.values()).allSatisfy(l -> assertThat(l).hasSize(2));
  }
}
