package io.driftline.teacher.pipeline;

import io.driftline.core.update.Precision;
import java.util.Map;

/**
 * Chooses the adaptor for one adaptation: the seam where a training-free, budgeted chooser (for
 * example a closed-form leave-one-out score over widths and precisions) plugs in. The pipeline
 * records the spec it returns in the lineage.
 */
@FunctionalInterface
public interface AdaptorChooser {

  /**
   * What the chooser may look at.
   *
   * @param featureDimension the student's feature width
   * @param classes number of classes
   * @param trainingSamplesPerDomain training samples per domain id
   * @param precision the precision the device runs
   * @param trainingFeatures prompted-student features of the training samples per domain
   * @param teacherProbabilities the teacher's soft labels of those samples per domain
   */
  record Context(
      int featureDimension,
      int classes,
      Map<String, Integer> trainingSamplesPerDomain,
      Precision precision,
      Map<String, float[][]> trainingFeatures,
      Map<String, float[][]> teacherProbabilities) {}

  /** Returns the adaptor to train. */
  AdaptorSpec choose(Context context);

  /** A chooser that always returns {@code spec}. */
  static AdaptorChooser fixed(AdaptorSpec spec) {
    return context -> spec;
  }
}
