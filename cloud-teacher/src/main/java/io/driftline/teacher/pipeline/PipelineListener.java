package io.driftline.teacher.pipeline;

/**
 * Hears which {@link Phase} an adaptation has reached, for example to show a job's state. Called on
 * the adaptation's thread when a phase starts: LABELLING once, TRAINING once, then GATING once per
 * variant.
 */
@FunctionalInterface
public interface PipelineListener {

  /** A listener that ignores every phase. */
  PipelineListener NONE = (phase, message) -> {};

  /**
   * Reports that {@code phase} starts.
   *
   * @param phase the phase
   * @param message what the phase is about to do (counts, the variant's bundle id)
   */
  void phase(Phase phase, String message);
}
