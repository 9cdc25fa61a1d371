package io.driftline.teacher.adapt;

/** The adaptor kinds the zero-shot choice picks from, in the order that breaks exact ties. */
public enum AdaptorKind {
  /** One dense layer {@code F → K}, a closed-form ridge on the raw features. */
  LINEAR,
  /**
   * {@code F → M → K}: fixed random projection and ReLU, closed-form ridge head
   * ({@link RidgeAdaptorTrainer}).
   */
  RIDGE,
  /**
   * {@code F → H → K}: the ridge of width H as a start, then SGD on both layers
   * ({@link MlpAdaptorTrainer}).
   */
  MLP
}
