package io.driftline.registry.model;

import java.util.Locale;

/** What a registered model holds: an on-device student, a cloud teacher, or adaptation bundles. */
public enum ModelKind {
  /** An ONNX student with the student signature. */
  STUDENT,
  /** A teacher (any format; only its bytes are stored). */
  TEACHER,
  /** Signed adaptation bundles (visual prompt + adaptors). */
  BUNDLE;

  /** Returns the lower-case name used in the API and events. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code student}, {@code teacher} or {@code bundle}, or fails with a 400. */
  public static ModelKind parse(String text) {
    for (ModelKind kind : values()) {
      if (kind.wireName().equals(text)) {
        return kind;
      }
    }
    throw RegistryException.badRequest(
        "kind must be one of student, teacher, bundle; got '" + text + "'");
  }

  /** Returns the artefact media type versions of this kind must have. */
  public String mediaType() {
    return switch (this) {
      case STUDENT -> MediaTypes.ONNX;
      case BUNDLE -> MediaTypes.BUNDLE;
      case TEACHER -> MediaTypes.OCTET_STREAM;
    };
  }
}
