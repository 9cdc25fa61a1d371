package io.driftline.teacher.adapt;

import io.driftline.teacher.label.PseudoLabel;
import java.util.List;

/**
 * Unadapted and adapted predictions on the same held-out samples, with the reference label of each.
 *
 * @param samples number of samples compared
 * @param unadaptedAccuracy fraction where the unadapted student agrees with the reference
 * @param adaptedAccuracy fraction where the adapted student agrees with the reference
 */
public record GateComparison(int samples, double unadaptedAccuracy, double adaptedAccuracy) {

  /** Change in percentage points (adapted minus unadapted). */
  public double gainPoints() {
    return 100 * (adaptedAccuracy - unadaptedAccuracy);
  }

  /**
   * Compares predictions against reference labels (true labels or the teacher's pseudo-labels).
   *
   * @throws IllegalArgumentException if the arrays differ in length or are empty
   */
  public static GateComparison of(int[] reference, int[] unadapted, int[] adapted) {
    if (reference.length == 0
        || unadapted.length != reference.length
        || adapted.length != reference.length) {
      throw new IllegalArgumentException(
          "gate needs the same non-zero number of labels and predictions, got "
              + reference.length + " labels, " + unadapted.length + " unadapted and "
              + adapted.length + " adapted predictions");
    }
    int before = 0;
    int after = 0;
    for (int i = 0; i < reference.length; i++) {
      before += unadapted[i] == reference[i] ? 1 : 0;
      after += adapted[i] == reference[i] ? 1 : 0;
    }
    double n = reference.length;
    return new GateComparison(reference.length, before / n, after / n);
  }

  /**
   * Compares predictions against the teacher's pseudo-labels; samples the label policy dropped
   * (weight 0) are left out. Predictions are indexed like the pseudo-labels' {@code index}.
   */
  public static GateComparison ofPseudoLabels(
      List<PseudoLabel> labels, int[] unadapted, int[] adapted) {
    int[] ref = labels.stream().filter(l -> l.weight() > 0).mapToInt(PseudoLabel::label).toArray();
    int[] before = new int[ref.length];
    int[] after = new int[ref.length];
    int j = 0;
    for (PseudoLabel l : labels) {
      if (l.weight() > 0) {
        if (l.index() < 0 || l.index() >= unadapted.length || l.index() >= adapted.length) {
          throw new IllegalArgumentException(
              "pseudo-label index " + l.index() + " has no prediction (" + unadapted.length
                  + " unadapted, " + adapted.length + " adapted)");
        }
        before[j] = unadapted[l.index()];
        after[j] = adapted[l.index()];
        j++;
      }
    }
    return of(ref, before, after);
  }
}
