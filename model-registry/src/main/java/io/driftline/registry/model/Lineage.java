package io.driftline.registry.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a version came from.
 *
 * @param parentStudent the student version it adapts or derives from, {@code name:version}
 * @param teacher the teacher version that labelled its data, {@code name:version}
 * @param sampleIds ids of the samples it was trained on
 * @param incidentId the drift incident it answers
 * @param hyperParameters training settings
 * @param gate the no-regression gate result: {@code passed} (boolean) plus its figures; a version
 *     whose gate did not pass is {@code REJECTED}
 * @param codeVersion version of the code that made it
 */
public record Lineage(
    @Nullable String parentStudent,
    @Nullable String teacher,
    @Nullable List<String> sampleIds,
    @Nullable String incidentId,
    @Nullable Map<String, Object> hyperParameters,
    @Nullable Map<String, Object> gate,
    @Nullable String codeVersion) {

  /** A lineage that records nothing. */
  public static final Lineage EMPTY = new Lineage(null, null, List.of(), null, Map.of(), null, null);

  /** Returns a copy with empty collections in place of nulls. */
  public Lineage normalized() {
    return new Lineage(parentStudent, teacher, sampleIds == null ? List.of() : List.copyOf(sampleIds),
        incidentId, hyperParameters == null ? Map.of() : hyperParameters, gate, codeVersion);
  }

  /** Returns false only when a gate result is present and says it did not pass. */
  public boolean gatePassed() {
    return gate == null || !Boolean.FALSE.equals(gate.get("passed"));
  }
}
