package io.driftline.core.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A continual stream described as data: segments of domains (corruption family x severity, or
 * replayed recordings) with lengths, recurrences and gradual transitions, and per-device schedules.
 * Build one with {@link Scenarios#parse} or {@link Scenarios#load}, which validate it.
 *
 * @param name a name for reports
 * @param seed the seed every random choice of every stream derives from
 * @param source the default data set clean frames are drawn from
 * @param segments the segments; their order is the schedule of the default stream
 * @param devices device id to the ids of the segments it sees, in order (may repeat ids)
 */
public record Scenario(
    String name, long seed, SourceSpec source, List<Segment> segments, Map<String, List<String>> devices) {

  /** Copies the collections so the scenario cannot change after it is made. */
  public Scenario {
    segments = List.copyOf(segments);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    devices.forEach((device, ids) -> copy.put(device, List.copyOf(ids)));
    devices = Collections.unmodifiableMap(copy);
  }

  /** Returns the segment with the given id, or throws naming the known ids. */
  public Segment segment(String id) {
    for (Segment segment : segments) {
      if (segment.id().equals(id)) {
        return segment;
      }
    }
    throw new ScenarioException("segments", "no segment '" + id + "' (known: " + ids() + ")");
  }

  /** Position of the segment with the given id in {@link #segments()}, or -1. */
  public int indexOf(String id) {
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** The segments a device sees, in order; the segment list itself for a null device. */
  public List<Segment> schedule(@Nullable String deviceId) {
    if (deviceId == null) {
      return segments;
    }
    List<String> ids = devices.get(deviceId);
    if (ids == null) {
      throw new ScenarioException(
          "devices", "no device '" + deviceId + "' in scenario '" + name + "' (known: " + devices.keySet() + ")");
    }
    List<Segment> schedule = new ArrayList<>();
    for (String id : ids) {
      schedule.add(segment(id));
    }
    return schedule;
  }

  /** The distinct domain tags, in order of first appearance. */
  public Set<String> domainTags() {
    Set<String> tags = new LinkedHashSet<>();
    segments.forEach(s -> tags.add(s.domainTag()));
    return tags;
  }

  /** Total number of frames of the default stream. */
  public long length() {
    return segments.stream().mapToLong(Segment::length).sum();
  }

  private List<String> ids() {
    return segments.stream().map(Segment::id).toList();
  }
}
