package io.driftline.registry.model;

import java.util.List;

/** The artefact media types the registry accepts. */
public final class MediaTypes {

  /** An ONNX model; validated as a student on upload. */
  public static final String ONNX = "application/onnx";
  /** A signed Driftline bundle; decoded and verified on upload. */
  public static final String BUNDLE = "application/vnd.driftline.bundle";
  /** Opaque bytes (teacher weights); only hashed. */
  public static final String OCTET_STREAM = "application/octet-stream";

  /** All accepted media types. */
  public static final List<String> ALL = List.of(ONNX, BUNDLE, OCTET_STREAM);

  private MediaTypes() {}
}
