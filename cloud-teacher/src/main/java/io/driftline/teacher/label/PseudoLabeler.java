package io.driftline.teacher.label;

import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.uncertainty.Logits;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Labels frames with a teacher model: soft labels and a confidence per frame, filtered or weighted
 * by a {@link PseudoLabelPolicy}. The teacher is any ONNX model with the student signature; the
 * labeler does not own it.
 */
public final class PseudoLabeler {

  /**
   * Frames per teacher inference. ONNX Runtime's CPU arena keeps the largest batch's activations for the session's
   * life (about 0.2 MB a frame for the reference teacher), so one inference over a whole job's uploads would make
   * the service's resident memory grow with its largest job.
   */
  static final int BATCH = 256;

  private final StudentModel teacher;
  private final PseudoLabelPolicy policy;

  /** Creates a labeler that runs {@code teacher} and applies {@code policy}. */
  public PseudoLabeler(StudentModel teacher, PseudoLabelPolicy policy) {
    this.teacher = Objects.requireNonNull(teacher, "teacher");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The policy in use. */
  public PseudoLabelPolicy policy() {
    return policy;
  }

  /**
   * Labels {@code frames} (pixels in [0,1], any size) with teacher inferences of at most {@value #BATCH} frames.
   *
   * @return the labels of the frames the policy keeps, in frame order; {@link PseudoLabel#index()}
   *     is the frame's position in {@code frames}
   */
  public List<PseudoLabel> label(List<Image> frames) {
    List<PseudoLabel> labels = new ArrayList<>(frames.size());
    for (int start = 0; start < frames.size(); start += BATCH) {
      float[][] logits = teacher.infer(frames.subList(start, Math.min(frames.size(), start + BATCH))).logits();
      for (int i = 0; i < logits.length; i++) {
        PseudoLabel label = fromLogits(start + i, logits[i], policy);
        if (label != null) {
          labels.add(label);
        }
      }
    }
    return labels;
  }

  /**
   * Turns one row of teacher logits into a pseudo-label.
   *
   * @return the label, or null when the policy drops the frame
   * @throws IllegalArgumentException if the logits are empty or not finite
   */
  public static @Nullable PseudoLabel fromLogits(int index, float[] logits, PseudoLabelPolicy policy) {
    float[] scaled = new float[logits.length];
    for (int k = 0; k < logits.length; k++) {
      scaled[k] = (float) (logits[k] / policy.temperature());
    }
    double[] probabilities = Logits.softmax(scaled);
    int best = 0;
    for (int k = 1; k < probabilities.length; k++) {
      if (probabilities[k] > probabilities[best]) {
        best = k;
      }
    }
    double confidence = probabilities[best];
    double weight = switch (policy.mode()) {
      case ALL -> 1;
      case FILTER -> confidence >= policy.minConfidence() ? 1 : 0;
      case WEIGHT -> Math.pow(confidence, policy.weightExponent());
    };
    if (weight == 0 && policy.mode() == PseudoLabelPolicy.Mode.FILTER) {
      return null;
    }
    float[] soft = new float[probabilities.length];
    for (int k = 0; k < soft.length; k++) {
      soft[k] = (float) probabilities[k];
    }
    return new PseudoLabel(index, soft, best, confidence, weight);
  }
}
