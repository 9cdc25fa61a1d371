package io.driftline.core.scenario;

import io.driftline.core.corruption.CorruptionFamily;
import org.jspecify.annotations.Nullable;

/**
 * One stretch of a scenario: {@code length} frames of one domain.
 *
 * @param id unique name, referred to by recurrences and device schedules
 * @param domainTag the domain the frames belong to, such as {@code fog@3}, {@code clean}, or the id
 *     of a replayed source; identical for every recurrence of a domain
 * @param family the corruption applied to each frame, or null for none (clean)
 * @param severity 1 to 5 when a family is set, 0 otherwise
 * @param length number of frames, at least 1
 * @param transition number of leading frames that blend in from the previous segment's domain (0 for
 *     an abrupt change); frame {@code k < transition} comes from this segment's domain with
 *     probability {@code (k + 1) / (transition + 1)}, otherwise from the previous segment's
 * @param source where clean frames come from instead of the scenario's source, or null
 * @param labelShift the label distribution, or null to sample the source uniformly
 * @param repeatOf the id of the earlier segment this one recurs, or null
 */
public record Segment(
    String id,
    String domainTag,
    @Nullable CorruptionFamily family,
    int severity,
    int length,
    int transition,
    @Nullable SourceSpec source,
    @Nullable LabelShift labelShift,
    @Nullable String repeatOf) {

  /** The domain tag of frames without corruption from the scenario's own source. */
  public static final String CLEAN = "clean";

  /** Checks ranges that hold for any segment. */
  public Segment {
    if (length < 1) {
      throw new IllegalArgumentException("length must be positive, got " + length);
    }
    if (transition < 0 || transition > length) {
      throw new IllegalArgumentException("transition must be 0.." + length + ", got " + transition);
    }
    if (family == null ? severity != 0
        : severity < CorruptionFamily.MIN_SEVERITY || severity > CorruptionFamily.MAX_SEVERITY) {
      throw new IllegalArgumentException("severity " + severity + " does not fit family " + family);
    }
  }

  /** The tag a segment gets when none is given: {@code family@severity}, {@code clean}, or its id for a replayed source. */
  public static String defaultDomainTag(String id, @Nullable CorruptionFamily family, int severity, @Nullable SourceSpec source) {
    if (source != null) {
      return family == null ? id : id + "+" + family.id() + "@" + severity;
    }
    return family == null ? CLEAN : family.id() + "@" + severity;
  }
}
