package io.driftline.teacher.label;

/**
 * The teacher's label for one frame.
 *
 * @param index the frame's position in the labelled batch
 * @param probabilities soft label: the teacher's class probabilities at the policy's temperature
 * @param label the most probable class
 * @param confidence the probability of {@code label}
 * @param weight how much the frame counts in training, in [0, 1]
 */
public record PseudoLabel(int index, float[] probabilities, int label, double confidence, double weight) {

  /** Copies the probabilities. */
  public PseudoLabel {
    probabilities = probabilities.clone();
  }

  /** Returns a copy of the probabilities. */
  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }
}
