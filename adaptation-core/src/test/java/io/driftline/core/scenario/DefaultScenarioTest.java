package io.driftline.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.corruption.CorruptionFamily;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefaultScenarioTest {

  private final Scenario scenario = Scenarios.loadDefault();

  @Test
  void coversEveryFamilyAtSeverityThreeAndFive() {
    Set<String> present = new HashSet<>();
    scenario.segments().forEach(s -> {
      if (s.family() != null) {
        present.add(s.family().id() + "@" + s.severity());
      }
    });
    for (CorruptionFamily family : CorruptionFamily.values()) {
      assertThat(present).contains(family.id() + "@3", family.id() + "@5");
    }
    assertThat(scenario.domainTags()).contains(Segment.CLEAN);
  }

  @Test
  void containsRecurrencesTransitionsAndALabelShift() {
    // a domain recurs when it appears again after a different domain
    Map<String, Integer> lastSeen = new HashMap<>();
    Set<String> recurring = new HashSet<>();
    List<Segment> segments = scenario.segments();
    for (int i = 0; i < segments.size(); i++) {
      String tag = segments.get(i).domainTag();
      Integer last = lastSeen.put(tag, i);
      if (last != null && last < i - 1) {
        recurring.add(tag);
      }
    }
    assertThat(recurring).contains("clean").hasSizeGreaterThanOrEqualTo(3);
    assertThat(segments).filteredOn(s -> s.repeatOf() != null).isNotEmpty();
    assertThat(segments).filteredOn(s -> s.transition() > 0).hasSizeGreaterThanOrEqualTo(2);
    assertThat(segments).filteredOn(s -> s.labelShift() != null).isNotEmpty();
  }

  @Test
  void hasSeveralDifferentDeviceSchedulesThatStream() {
    assertThat(scenario.devices()).hasSizeBetween(2, 3);
    assertThat(new HashSet<>(scenario.devices().values())).hasSize(scenario.devices().size());
    SyntheticImages tenClasses = new SyntheticImages(40, 4, 10, 1);
    for (String device : scenario.devices().keySet()) {
      ScenarioStream stream = ScenarioStream.forDevice(scenario, device, tenClasses);
      assertThat(stream.length()).isEqualTo(stream.schedule().stream().mapToLong(Segment::length).sum());
      // every device schedule has a recurring domain of its own
      List<String> tags = stream.schedule().stream().map(Segment::domainTag).toList();
      assertThat(tags.stream().distinct().count()).as(device).isLessThan(tags.size());
    }
    assertThat(scenario.source()).isEqualTo(SourceSpec.dataset(SourceSpec.FASHION_MNIST_TEST));
  }
}
