package io.driftline.agent.upload;

import io.driftline.agent.pipeline.FrameResult;
import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DeviceSampleCodec;
import io.driftline.core.events.DropCounts;
import io.driftline.core.events.ScoreSummary;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.PrototypeMemory;
import io.driftline.core.sampling.Candidate;
import io.driftline.core.sampling.SamplingPolicy;
import io.driftline.core.sampling.Selection;
import io.driftline.core.sampling.UncertaintyGuidedSampler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Collects frame results into telemetry windows of a fixed frame count; at the end of a window it
 * lets the uncertainty-guided sampler choose the samples within the frame and byte budgets, and
 * hands the samples and the {@link TelemetryWindow} (with drop counts and the window's HDC domain
 * signature, the majority of every 4th frame's code) to the sink. Only frames whose score reaches the policy's minimum are kept in memory.
 * Used from the frame thread only.
 */
public final class WindowUploader {

  /** Where a closed window's records go. */
  public interface Sink {
    /** Takes one chosen sample. */
    void sample(DeviceSample sample);

    /** Takes the window's telemetry. */
    void telemetry(TelemetryWindow window);

    /** Samples dropped by the offline queue since the last call (reported as {@code bufferFull}). */
    long takeBufferDrops();
  }

  private final String deviceId;
  private final String studentModelId;
  private final int windowFrames;
  private final double framesPerSecond;
  private final boolean includeFeatures;
  private final SamplingPolicy policy;
  private final UncertaintyGuidedSampler sampler;
  private final Sink sink;
  private final LongSupplier clockMillis;
  private final Map<Long, DeviceSample> pending = new HashMap<>();
  private final List<Candidate> candidates = new ArrayList<>();
  private final double[] oodScores;
  private final int[] histogram;
  private long windowSeq;
  private long frameIndex;
  private int inWindow;
  private double entropySum;
  private double similaritySum;
  private @Nullable PrototypeMemory signature;
  private @Nullable BundleRef lastBundle;
  private long windowStartMillis;
  private long uploadedFrames;
  private long uploadedBytes;
  private long droppedOverBudget;
  private long framesSeen;

  /**
   * Creates an uploader.
   *
   * @param framesPerSecond nominal frame rate that sets window durations; 0 uses the wall clock
   * @param classes number of classes (histogram size)
   */
  public WindowUploader(String deviceId, String studentModelId, int windowFrames, double framesPerSecond,
      boolean includeFeatures, SamplingPolicy policy, int classes, Sink sink, LongSupplier clockMillis) {
    this.deviceId = deviceId;
    this.studentModelId = studentModelId;
    this.windowFrames = windowFrames;
    this.framesPerSecond = framesPerSecond;
    this.includeFeatures = includeFeatures;
    this.policy = policy;
    this.sampler = new UncertaintyGuidedSampler(policy);
    this.sink = sink;
    this.clockMillis = clockMillis;
    this.oodScores = new double[windowFrames];
    this.histogram = new int[classes];
    this.windowStartMillis = clockMillis.getAsLong();
  }

  /** Adds one frame's result; closes the window when it is full. */
  public void accept(FrameResult result) {
    long index = frameIndex++;
    framesSeen++;
    oodScores[inWindow++] = result.oodScore();
    entropySum += result.uncertainty();
    similaritySum += result.nearestSimilarity();
    if (result.predictedClass() < histogram.length) {
      histogram[result.predictedClass()]++;
    }
    Hypervector code = result.hypervector();
    if (signature == null || signature.dimension() != code.dimension()) {
      signature = new PrototypeMemory(code.dimension());
    }
    // Every 4th frame is enough for the window's majority code and saves 3/4 of its cost.
    if ((index & 3) == 0) {
      signature.add("window", code);
    }
    lastBundle = result.bundle();
    if (policy.score(result.uncertainty(), result.oodScore()) >= policy.minScore()) {
      DeviceSample sample = DeviceSample.builder()
          .setEventId(deviceId + "/" + windowSeq + "/" + index)
          .setDeviceId(deviceId)
          .setStudentModelId(studentModelId)
          .optActiveBundle(result.bundle())
          .setWindowSeq(windowSeq)
          .setFrameIndex(index)
          .setCapturedAt(Instant.ofEpochMilli(clockMillis.getAsLong()))
          .setUncertainty((float) result.uncertainty())
          .setOodScore((float) result.oodScore())
          .setPredictedClass(result.predictedClass())
          .optDomainHint(result.route())
          .setImage(result.image())
          .optFeatures(includeFeatures ? result.features() : null)
          .optHypervector(code)
          .build();
      pending.put(index, sample);
      candidates.add(new Candidate(index, result.uncertainty(), result.oodScore(), code,
          DeviceSampleCodec.encodedSize(sample)));
    } else {
      // Offered too, without building its sample: the sampler rejects it for its score, but the
      // window's frame quota floor(maxFrameFraction * frames) must count every frame of the window.
      candidates.add(new Candidate(index, result.uncertainty(), result.oodScore(), code, 0));
    }
    if (inWindow == windowFrames) {
      closeWindow();
    }
  }

  private void closeWindow() {
    long now = clockMillis.getAsLong();
    Duration duration = framesPerSecond > 0
        ? Duration.ofNanos((long) (inWindow / framesPerSecond * 1e9))
        : Duration.ofMillis(Math.max(1, now - windowStartMillis));
    // The sampler sees the whole window, so its quota is a share of the window's frames as
    // SamplingPolicy documents; frames below the minimum score are rejected by the sampler.
    Selection selection = sampler.select(candidates, duration);
    for (Candidate chosen : selection.chosen()) {
      sink.sample(pending.get(chosen.frameIndex()));
      uploadedBytes += chosen.byteSize();
    }
    uploadedFrames += selection.chosen().size();
    long overBudget = (long) selection.rejectedFrameBudget() + selection.rejectedByteBudget();
    droppedOverBudget += overBudget;
    Instant end = framesPerSecond > 0 ? Instant.ofEpochMilli(windowStartMillis).plus(duration) : Instant.ofEpochMilli(now);
    double[] scores = Arrays.copyOf(oodScores, inWindow);
    TelemetryWindow window = new TelemetryWindow(deviceId, windowSeq, Instant.ofEpochMilli(windowStartMillis), end,
        inWindow, summary(scores), entropySum / inWindow, Math.max(0, Math.min(1, similaritySum / inWindow)),
        selection.chosen().size(), new DropCounts(overBudget, sink.takeBufferDrops()), lastBundle,
        histogram.clone(), signature == null ? null : signature.prototype("window").orElse(null));
    sink.telemetry(window);
    windowSeq++;
    windowStartMillis = framesPerSecond > 0 ? end.toEpochMilli() : now;
    inWindow = 0;
    entropySum = 0;
    similaritySum = 0;
    Arrays.fill(histogram, 0);
    signature = null;
    pending.clear();
    candidates.clear();
  }

  static ScoreSummary summary(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double mean = 0;
    for (double v : sorted) {
      mean += v;
    }
    mean /= sorted.length;
    double var = 0;
    for (double v : sorted) {
      var += (v - mean) * (v - mean);
    }
    return new ScoreSummary(mean, Math.sqrt(var / sorted.length), quantile(sorted, 0.5), quantile(sorted, 0.9),
        quantile(sorted, 0.99));
  }

  private static double quantile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * (sorted.length - 1) + 0.5))];
  }

  /** Frames uploaded so far. */
  public long uploadedFrames() {
    return uploadedFrames;
  }

  /** Bytes uploaded so far (encoded sample sizes). */
  public long uploadedBytes() {
    return uploadedBytes;
  }

  /** Frames the budgets cut so far. */
  public long droppedOverBudget() {
    return droppedOverBudget;
  }

  /** Frames seen so far. */
  public long framesSeen() {
    return framesSeen;
  }

  /** Telemetry windows closed so far. */
  public long windows() {
    return windowSeq;
  }

  /** The policy. */
  public SamplingPolicy policy() {
    return policy;
  }
}
