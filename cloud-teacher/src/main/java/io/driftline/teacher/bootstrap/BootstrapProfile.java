package io.driftline.teacher.bootstrap;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.teacher.onnx.ReferenceArchitecture;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much work {@code bootstrap-models} does: the full profile aims at the accuracy targets within
 * 15 minutes on 2 cores, the quick profile (for tests) trains briefly on a subset.
 *
 * @param name {@code full} or {@code quick}
 * @param trainLimit at most this many training samples
 * @param cleanEvalLimit at most this many clean test samples evaluated
 * @param corruptedEvalLimit at most this many test samples per family and severity
 * @param severities corruption severities evaluated
 * @param schedules training schedule per architecture
 */
public record BootstrapProfile(
    String name,
    int trainLimit,
    int cleanEvalLimit,
    int corruptedEvalLimit,
    List<Integer> severities,
    Map<ReferenceArchitecture, Schedule> schedules) {

  /**
   * The corruption families the teacher is augmented with: one or more from each kind (noise,
   * blur, weather, photometric, digital, geometric). The rest of {@link CorruptionFamily} stays
   * unseen in training, so the cards show how the robustness generalises.
   */
  public static final List<CorruptionFamily> TEACHER_AUGMENTATION = List.of(
      CorruptionFamily.GAUSSIAN_NOISE,
      CorruptionFamily.IMPULSE_NOISE,
      CorruptionFamily.DEFOCUS_BLUR,
      CorruptionFamily.FOG,
      CorruptionFamily.BRIGHTNESS,
      CorruptionFamily.CONTRAST,
      CorruptionFamily.PIXELATE,
      CorruptionFamily.ELASTIC);

  /** Share of the teacher's training frames that are corrupted. */
  public static final double TEACHER_AUGMENTATION_PROBABILITY = 0.5;

  /**
   * A training schedule.
   *
   * @param epochs passes over the training samples
   * @param batchSize samples per step
   * @param learningRate peak AdamW learning rate
   * @param weightDecay AdamW weight decay
   */
  public record Schedule(int epochs, int batchSize, float learningRate, float weightDecay) {}

  /** The full profile: all training samples, the whole test set, severities 3 and 5. */
  public static BootstrapProfile full() {
    return new BootstrapProfile("full", Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, List.of(3, 5), Map.of(
        ReferenceArchitecture.STUDENT_NANO, new Schedule(6, 128, 4e-3f, 0.01f),
        ReferenceArchitecture.STUDENT_SMALL, new Schedule(6, 128, 3e-3f, 0.01f),
        ReferenceArchitecture.TEACHER, new Schedule(7, 128, 2e-3f, 0.01f)));
  }

  /** The quick profile, for tests: 2,000 training samples, two epochs, a small evaluation. */
  public static BootstrapProfile quick() {
    return new BootstrapProfile("quick", 2000, 500, 100, List.of(3, 5), Map.of(
        ReferenceArchitecture.STUDENT_NANO, new Schedule(2, 64, 4e-3f, 0.01f),
        ReferenceArchitecture.STUDENT_SMALL, new Schedule(2, 64, 3e-3f, 0.01f),
        ReferenceArchitecture.TEACHER, new Schedule(2, 64, 2e-3f, 0.01f)));
  }

  /** The families never used for augmentation. */
  public static List<CorruptionFamily> unseenFamilies() {
    Set<CorruptionFamily> unseen = EnumSet.allOf(CorruptionFamily.class);
    TEACHER_AUGMENTATION.forEach(unseen::remove);
    return List.copyOf(unseen);
  }
}
