package io.driftline.teacher.train;

import java.time.Duration;
import java.util.Locale;

/**
 * A progress report of a training run.
 *
 * @param model what is being trained
 * @param epoch current epoch, from 1
 * @param epochs total epochs
 * @param batch batches done in this epoch
 * @param batches batches per epoch
 * @param loss mean training loss over the batches of this epoch so far
 * @param samplesPerSecond training throughput since the start of the run
 * @param eta estimated time until the run ends
 */
public record TrainingProgress(
    String model, int epoch, int epochs, int batch, int batches, double loss, double samplesPerSecond, Duration eta) {

  /** One log line, such as {@code student-nano epoch 2/6 batch 200/468 loss 0.4123 1510 samples/s ETA 1:23}. */
  public String line() {
    long seconds = eta.toSeconds();
    return String.format(Locale.ROOT, "%s epoch %d/%d batch %d/%d loss %.4f %.0f samples/s ETA %d:%02d",
        model, epoch, epochs, batch, batches, loss, samplesPerSecond, seconds / 60, seconds % 60);
  }
}
