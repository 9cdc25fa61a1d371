package io.driftline.core.events;

import io.driftline.core.hdc.Hypervector;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Statistics of one device over one window of frames, the input of the drift detector. Travels as
 * JSON on {@link Topics#DEVICE_TELEMETRY}; the Kafka key is the device id.
 *
 * @param deviceId the reporting device; the Kafka key
 * @param windowSeq the window's sequence number, per device, from 0 and increasing by 1
 * @param start when the window's first frame was captured
 * @param end when the window closed (not before {@code start})
 * @param frameCount frames classified in the window (>= 1; empty windows are not reported)
 * @param oodScore summary of the frames' HDC OOD scores
 * @param meanEntropy mean predictive entropy in nats (>= 0)
 * @param meanHdcSimilarity mean Hamming similarity of the frames' hypervectors to their nearest class
 *     prototype ({@link io.driftline.core.hdc.PrototypeMatch#similarity()}), in [0, 1]: 1 identical,
 *     about 0.5 unrelated
 * @param uploads samples uploaded from this window (at most {@code frameCount})
 * @param dropped samples the device wanted to upload but did not
 * @param activeBundle the adaptation bundle active at the window's end, or null if none
 * @param classHistogram frames per predicted class (index = class); empty if not collected,
 *     otherwise the counts sum to {@code frameCount}. The array is owned by the record.
 * @param domainSignature a compact HDC signature of the window's input domain (for example the
 *     encoding of the window's mean student features with a short deployment-wide encoder), or null
 *     if the device does not report one; the drift detector compares signatures to tell domains
 *     apart and to group devices that drift the same way. At most 65,536 bits, so a window stays small.
 */
public record TelemetryWindow(
    String deviceId,
    long windowSeq,
    Instant start,
    Instant end,
    int frameCount,
    ScoreSummary oodScore,
    double meanEntropy,
    double meanHdcSimilarity,
    int uploads,
    DropCounts dropped,
    @Nullable BundleRef activeBundle,
    int[] classHistogram,
    @Nullable Hypervector domainSignature)
    implements DriftlineEvent {

  /** Largest {@link #domainSignature()} dimension accepted: 65,536 bits (8 KiB, about 20 KiB of JSON). */
  public static final int MAX_SIGNATURE_DIMENSION = 1 << 16;

  /** Creates a window without a domain signature (the format before signatures were added). */
  public TelemetryWindow(String deviceId, long windowSeq, Instant start, Instant end, int frameCount,
      ScoreSummary oodScore, double meanEntropy, double meanHdcSimilarity, int uploads,
      DropCounts dropped, @Nullable BundleRef activeBundle, int[] classHistogram) {
    this(deviceId, windowSeq, start, end, frameCount, oodScore, meanEntropy, meanHdcSimilarity,
        uploads, dropped, activeBundle, classHistogram, null);
  }

  /** Checks every field; messages name the field that is wrong. */
  public TelemetryWindow {
    Checks.id(deviceId, "deviceId");
    Checks.nonNegative(windowSeq, "windowSeq");
    Checks.required(start, "start");
    Checks.required(end, "end");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("end " + end + " is before start " + start);
    }
    if (frameCount < 1) {
      throw new IllegalArgumentException("frameCount must be >= 1, got " + frameCount);
    }
    Checks.required(oodScore, "oodScore");
    Checks.finite(meanEntropy, "meanEntropy");
    if (meanEntropy < 0) {
      throw new IllegalArgumentException("meanEntropy must be >= 0, got " + meanEntropy);
    }
    Checks.inRange(meanHdcSimilarity, 0, 1, "meanHdcSimilarity");
    if (uploads < 0 || uploads > frameCount) {
      throw new IllegalArgumentException(
          "uploads must be in [0, frameCount=" + frameCount + "], got " + uploads);
    }
    Checks.required(dropped, "dropped");
    Checks.required(classHistogram, "classHistogram");
    long sum = 0;
    for (int i = 0; i < classHistogram.length; i++) {
      if (classHistogram[i] < 0) {
        throw new IllegalArgumentException(
            "classHistogram[" + i + "] must be >= 0, got " + classHistogram[i]);
      }
      sum += classHistogram[i];
    }
    if (classHistogram.length > 0 && sum != frameCount) {
      throw new IllegalArgumentException(
          "classHistogram counts sum to " + sum + " but frameCount is " + frameCount);
    }
    if (domainSignature != null && domainSignature.dimension() > MAX_SIGNATURE_DIMENSION) {
      throw new IllegalArgumentException("domainSignature has " + domainSignature.dimension()
          + " bits, at most " + MAX_SIGNATURE_DIMENSION + " allowed");
    }
  }

  /** The Kafka key: the device id, so one device's windows stay ordered. */
  @Override
  public String key() {
    return deviceId;
  }

  @Override
  public EventType eventType() {
    return EventType.TELEMETRY_WINDOW;
  }

  /** The CloudEvents id: {@code telemetry-<windowSeq>}, unique per device source. */
  @Override
  public String ceId() {
    return "telemetry-" + windowSeq;
  }

  /** The CloudEvents source: {@code /devices/<deviceId>} (percent-encoded). */
  @Override
  public String ceSource() {
    return "/devices/" + Checks.pathSegment(deviceId);
  }

  /** The CloudEvents time: {@link #end()}. */
  @Override
  public Instant ceTime() {
    return end;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TelemetryWindow w
        && w.deviceId.equals(deviceId)
        && w.windowSeq == windowSeq
        && w.start.equals(start)
        && w.end.equals(end)
        && w.frameCount == frameCount
        && w.oodScore.equals(oodScore)
        && Double.compare(w.meanEntropy, meanEntropy) == 0
        && Double.compare(w.meanHdcSimilarity, meanHdcSimilarity) == 0
        && w.uploads == uploads
        && w.dropped.equals(dropped)
        && Objects.equals(w.activeBundle, activeBundle)
        && Arrays.equals(w.classHistogram, classHistogram)
        && Objects.equals(w.domainSignature, domainSignature);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(deviceId, windowSeq, start, end, frameCount, oodScore, meanEntropy,
            meanHdcSimilarity, uploads, dropped, activeBundle, domainSignature)
        + Arrays.hashCode(classHistogram);
  }

  @Override
  public String toString() {
    return "TelemetryWindow[deviceId=" + deviceId + ", windowSeq=" + windowSeq + ", start=" + start
        + ", end=" + end + ", frameCount=" + frameCount + ", oodScore=" + oodScore
        + ", meanEntropy=" + meanEntropy + ", meanHdcSimilarity=" + meanHdcSimilarity
        + ", uploads=" + uploads + ", dropped=" + dropped + ", activeBundle=" + activeBundle
        + ", classHistogram=" + Arrays.toString(classHistogram)
        + ", domainSignature=" + domainSignature + "]";
  }
}
