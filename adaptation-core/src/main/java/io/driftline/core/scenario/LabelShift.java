package io.driftline.core.scenario;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A segment's label distribution: either a subset of classes drawn with equal probability, or one
 * weight per class. Without a label shift a segment draws samples uniformly from its source, so the
 * source's own class balance carries through.
 *
 * @param classes class indices to draw from, equally likely; null when weights are given
 * @param weights one non-negative weight per class of the scenario's source; null when classes are given
 */
public record LabelShift(@Nullable List<Integer> classes, @Nullable List<Double> weights) {

  /** Checks that exactly one form is given and copies the lists. */
  public LabelShift {
    if ((classes == null) == (weights == null)) {
      throw new IllegalArgumentException("a label shift has either classes or weights, not both or neither");
    }
    classes = classes == null ? null : List.copyOf(classes);
    weights = weights == null ? null : List.copyOf(weights);
  }

  /** Draws only from the given classes, equally likely. */
  public static LabelShift subset(List<Integer> classes) {
    return new LabelShift(classes, null);
  }

  /** Draws classes in proportion to the given weights (one per class). */
  public static LabelShift weighted(List<Double> weights) {
    return new LabelShift(null, weights);
  }

  /**
   * Returns the probability of each class among {@code classCount} classes.
   *
   * @param path the field path for errors, such as {@code segments[3]}
   * @throws ScenarioException if a class is out of range or the weights do not match the class count
   */
  public double[] probabilities(int classCount, String path) {
    double[] p = new double[classCount];
    if (classes != null) {
      for (int i = 0; i < classes.size(); i++) {
        int c = classes.get(i);
        if (c >= classCount) {
          throw new ScenarioException(
              path + ".classes[" + i + "]", "class " + c + " is out of range: the source has " + classCount
                  + " classes (0.." + (classCount - 1) + ")");
        }
        p[c] = 1.0 / classes.size();
      }
      return p;
    }
    List<Double> w = weights == null ? List.of() : weights;
    if (w.size() != classCount) {
      throw new ScenarioException(
          path + ".classWeights", "has " + w.size() + " weights but the source has " + classCount + " classes");
    }
    double sum = w.stream().mapToDouble(Double::doubleValue).sum();
    for (int c = 0; c < classCount; c++) {
      p[c] = w.get(c) / sum;
    }
    return p;
  }
}
