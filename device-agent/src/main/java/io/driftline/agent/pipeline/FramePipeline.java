package io.driftline.agent.pipeline;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.OodScorer;
import io.driftline.core.hdc.PrototypeMatch;
import io.driftline.core.hdc.PrototypeMemory;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.Prediction;
import io.driftline.core.model.StudentModel;
import io.driftline.core.uncertainty.Logits;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.VisualPrompt;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one frame through the device path: visual prompt, ONNX student, HDC code, adaptor routed by
 * domain, uncertainty and OOD score. The adaptation state is an immutable {@link PipelineSnapshot}
 * behind an {@link AtomicReference}: {@link #swap} replaces it between two frames, and a frame
 * reads it once, so no frame is lost or half-updated.
 *
 * <p>The OOD score compares the frame's code with class prototypes that the first
 * {@code warmupFrames} confident frames (uncertainty below 0.5) build; they are rebuilt when a
 * bundle brings another encoder. One thread processes frames; {@code swap} may come from another.
 */
public final class FramePipeline {

  private static final double CONFIDENT = 0.5;

  private final StudentModel student;
  private final int[] inputShape;
  private final AtomicReference<PipelineSnapshot> snapshot;
  private final int warmupFrames;
  private final Map<String, LongAdder> routeCounts = new ConcurrentHashMap<>();
  private HdcEncoder classEncoder;
  private PrototypeMemory classPrototypes;
  private OodScorer oodScorer;
  private int warmupSeen;

  /** Creates a pipeline over {@code student} starting on {@code initial}. */
  public FramePipeline(StudentModel student, PipelineSnapshot initial, int warmupFrames) {
    this.student = student;
    this.inputShape = student.inputShape();
    this.snapshot = new AtomicReference<>(initial);
    this.warmupFrames = warmupFrames;
    resetClassPrototypes(initial.encoder());
  }

  /** Processes one frame on the current snapshot. */
  public FrameResult process(Image frame) {
    PipelineSnapshot s = snapshot.get();
    Image input = ImageOps.conform(frame, inputShape[0], inputShape[1], inputShape[2]);
    Image prompted = input;
    VisualPrompt prompt = s.prompt();
    if (prompt != null) {
      float[] pixels = input.pixels().clone();
      prompt.applyInPlace(pixels, inputShape[0], inputShape[1], inputShape[2]);
      prompted = Image.wrap(inputShape[0], inputShape[1], inputShape[2], pixels);
    }
    Prediction prediction = student.infer(prompted);
    float[] features = prediction.features();
    if (s.encoder() != classEncoder) {
      resetClassPrototypes(s.encoder());
    }
    Hypervector code = s.encoder().encode(features);
    DomainRouter.Routed routed = s.router().apply(code, features, prediction.logits());
    float[] logits = routed.logits();
    int predicted = argmax(logits);
    double uncertainty = Logits.normalizedEntropy(logits);
    Optional<PrototypeMatch> nearest = classPrototypes.nearest(code);
    double similarity = nearest.map(PrototypeMatch::similarity).orElse(OodScorer.RANDOM_SIMILARITY);
    double ood = classPrototypes.isEmpty() ? 1.0 : oodScorer.score(code);
    if (warmupSeen < warmupFrames) {
      warmupSeen++;
      if (uncertainty < CONFIDENT) {
        classPrototypes.add("class-" + predicted, code);
      }
    }
    String route = routed.route().routeId();
    routeCounts.computeIfAbsent(route, k -> new LongAdder()).increment();
    return new FrameResult(input, features, predicted, uncertainty, clamp(ood), clamp(similarity), code, route,
        s.bundleRef());
  }

  /** Replaces the snapshot atomically; returns the one it replaced. */
  public PipelineSnapshot swap(PipelineSnapshot next) {
    return snapshot.getAndSet(next);
  }

  /** The current snapshot. */
  public PipelineSnapshot snapshot() {
    return snapshot.get();
  }

  /** Frames routed per route id so far (domain id or {@code student}). */
  public Map<String, Long> routeCounts() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    routeCounts.forEach((k, v) -> counts.put(k, v.sum()));
    return counts;
  }

  /** The student. */
  public StudentModel student() {
    return student;
  }

  private void resetClassPrototypes(HdcEncoder encoder) {
    classEncoder = encoder;
    classPrototypes = new PrototypeMemory(encoder.dimension());
    oodScorer = new OodScorer(classPrototypes);
    warmupSeen = 0;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double clamp(double v) {
    return Double.isNaN(v) ? 1.0 : Math.max(0, Math.min(1, v));
  }
}
