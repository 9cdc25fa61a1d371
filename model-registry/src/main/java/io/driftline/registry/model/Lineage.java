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
 * @param rollbackOf for a bundle the registry re-issued when it rolled a rollout back: the version
 *     ({@code name:version}) whose payload it carries
 * @param rolloutId for such a re-issue: the rollout that was rolled back
 */
public record Lineage(
    @Nullable String parentStudent,
    @Nullable String teacher,
    @Nullable List<String> sampleIds,
    @Nullable String incidentId,
    @Nullable Map<String, Object> hyperParameters,
    @Nullable Map<String, Object> gate,
    @Nullable String codeVersion,
    @Nullable String rollbackOf,
    @Nullable Long rolloutId) {

  /** A lineage that records nothing. */
  public static final Lineage EMPTY = new Lineage(null, null, List.of(), null, Map.of(), null, null);

  /** Creates the lineage of a trained version (not a rollback re-issue). */
  public Lineage(@Nullable String parentStudent, @Nullable String teacher, @Nullable List<String> sampleIds,
      @Nullable String incidentId, @Nullable Map<String, Object> hyperParameters,
      @Nullable Map<String, Object> gate, @Nullable String codeVersion) {
    this(parentStudent, teacher, sampleIds, incidentId, hyperParameters, gate, codeVersion, null, null);
  }

  /** Returns a copy with empty collections in place of nulls. */
  public Lineage normalized() {
    return new Lineage(parentStudent, teacher, sampleIds == null ? List.of() : List.copyOf(sampleIds),
        incidentId, hyperParameters == null ? Map.of() : hyperParameters, gate, codeVersion, rollbackOf,
        rolloutId);
  }

  /** Returns this lineage marked as the re-issue of {@code original} by the rollback of {@code rollout}. */
  public Lineage asRollbackOf(String original, long rollout) {
    return new Lineage(parentStudent, teacher, sampleIds, incidentId, hyperParameters, gate, codeVersion, original,
        rollout);
  }

  /** Returns false only when a gate result is present and says it did not pass. */
  public boolean gatePassed() {
    return gate == null || !Boolean.FALSE.equals(gate.get("passed"));
  }
}
