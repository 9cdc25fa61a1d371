package io.driftline.registry.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One stored telemetry window of a device, as the console charts it.
 *
 * @param windowSeq the window's sequence number on the device
 * @param start when its first frame was captured (device clock)
 * @param end when it closed (device clock)
 * @param receivedAt when the registry stored it (registry clock)
 * @param frameCount frames classified in the window
 * @param oodMean mean HDC OOD score of its frames
 * @param oodP90 90th percentile of the OOD score
 * @param meanEntropy mean predictive entropy, in nats
 * @param meanHdcSimilarity mean similarity to the nearest class prototype, in [0, 1]
 * @param uploads samples uploaded from the window
 * @param droppedOverBudget samples not uploaded for lack of upload budget
 * @param droppedBufferFull samples evicted from the offline buffer
 * @param activeBundle the bundle active at the window's end, {@code name:version}, or null
 * @param classes the number of classes (length of the window's class histogram; 0 if not collected)
 * @param confidenceProxy {@code 1 - meanEntropy / ln(classes)}, clamped to [0, 1]: 1 when the
 *     student is certain of every frame, 0 when its predictions are uniform. It is not accuracy
 *     (devices have no labels); null when the number of classes is unknown.
 */
public record TelemetryPoint(
    long windowSeq,
    Instant start,
    Instant end,
    Instant receivedAt,
    int frameCount,
    double oodMean,
    double oodP90,
    double meanEntropy,
    double meanHdcSimilarity,
    int uploads,
    long droppedOverBudget,
    long droppedBufferFull,
    @Nullable String activeBundle,
    int classes,
    @Nullable Double confidenceProxy) {

  /** Returns the confidence proxy for a mean entropy over this many classes, or null below 2 classes. */
  public static @Nullable Double confidenceProxy(double meanEntropy, int classes) {
    if (classes < 2) {
      return null;
    }
    double proxy = 1 - meanEntropy / Math.log(classes);
    return Math.max(0, Math.min(1, proxy));
  }
}
