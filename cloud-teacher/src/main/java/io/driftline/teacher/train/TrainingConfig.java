package io.driftline.teacher.train;

import org.jspecify.annotations.Nullable;

/**
 * How a classifier is trained: Adam with decoupled weight decay, a linear warm-up over the first
 * {@code warmupFraction} of the steps and a cosine decay to zero after it.
 *
 * @param epochs passes over the training set
 * @param batchSize samples per step (the last incomplete batch of an epoch is dropped)
 * @param learningRate peak learning rate
 * @param weightDecay Adam weight decay
 * @param warmupFraction share of the steps spent warming up, in [0, 1)
 * @param seed seed of the shuffling
 * @param augmentation corruption augmentation, or null to train on clean frames only
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    float learningRate,
    float weightDecay,
    double warmupFraction,
    long seed,
    @Nullable CorruptionAugmentation augmentation) {

  /** Checks the ranges. */
  public TrainingConfig {
    if (epochs <= 0 || batchSize <= 1) {
      throw new IllegalArgumentException("need epochs > 0 and batchSize > 1, got " + epochs + " and " + batchSize);
    }
    if (!(learningRate > 0) || !(weightDecay >= 0) || !(warmupFraction >= 0 && warmupFraction < 1)) {
      throw new IllegalArgumentException("need learningRate > 0, weightDecay >= 0 and warmupFraction in [0,1), got "
          + learningRate + ", " + weightDecay + ", " + warmupFraction);
    }
  }

  /** Learning rate at step {@code step} of {@code totalSteps}. */
  public float learningRateAt(int step, int totalSteps) {
    int warmup = (int) Math.ceil(warmupFraction * totalSteps);
    if (step < warmup) {
      return learningRate * (step + 1) / warmup;
    }
    double progress = (double) (step - warmup) / Math.max(1, totalSteps - warmup);
    return (float) (learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
  }
}
