package io.driftline.teacher.pipeline;

/** The phases an adaptation job goes through, in order ({@link PipelineListener}). */
public enum Phase {
  /** Validating and splitting the request, pseudo-labelling with the teacher. */
  LABELLING,
  /** Raw-frame routing, per-domain prompts, every variant's adaptors. */
  TRAINING,
  /** One variant's per-domain gate, quantization figures, bundle and signature (once per variant). */
  GATING
}
