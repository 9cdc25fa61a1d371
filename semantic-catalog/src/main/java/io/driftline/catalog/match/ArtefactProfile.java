package io.driftline.catalog.match;

import io.driftline.catalog.vocab.VersionRef;
import io.driftline.core.update.Precision;
import org.jspecify.annotations.Nullable;

/**
 * What matchmaking needs to know of a model version (a student, a teacher or a bundle).
 *
 * @param ref the version
 * @param kind student, teacher or bundle
 * @param sizeBytes bytes of its artefact (what a student needs in flash)
 * @param precision weight precision the device must run, or null (a student then needs FP32)
 * @param adaptorBytes memory a bundle needs beyond its student (0 for students)
 * @param macs multiply-accumulates per frame it adds (a student: its own)
 * @param student the student a bundle sits on, or null
 * @param inputWidth smallest frame width it needs, 0 if unknown
 * @param inputHeight smallest frame height it needs, 0 if unknown
 * @param inputChannels channels it needs, 0 if unknown
 */
public record ArtefactProfile(
    VersionRef ref,
    String kind,
    long sizeBytes,
    @Nullable Precision precision,
    long adaptorBytes,
    long macs,
    @Nullable VersionRef student,
    long inputWidth,
    long inputHeight,
    long inputChannels) {

  /** Tells whether this is a bundle (prompt + adaptors for one student). */
  public boolean isBundle() {
    return kind.equals("bundle");
  }

  /** Tells whether this is a student. */
  public boolean isStudent() {
    return kind.equals("student");
  }

  /** The precision a device must support: the declared one, FP32 for a student that declares none. */
  public Precision requiredPrecision() {
    return precision == null ? Precision.FP32 : precision;
  }
}
