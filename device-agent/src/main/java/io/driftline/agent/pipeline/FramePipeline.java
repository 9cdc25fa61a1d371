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
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.VisualPrompt;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one frame through the device path. With a format version 2 bundle: route the raw frame
 * ({@link FrameRouter}: source, i.e. the bare student, or one domain), that domain's prompt, the ONNX
 * student, that domain's adaptor. With a version 1 bundle: the bundle's prompt, the student, the
 * adaptor routed by the HDC code of the features. Then uncertainty, HDC code and OOD score. The adaptation state is an immutable {@link PipelineSnapshot}
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
    if (s.encoder() != classEncoder) {
      resetClassPrototypes(s.encoder());
    }
    FrameRouter frameRouter = s.frameRouter();
    Prediction prediction;
    float[] logits;
    String route;
    Hypervector code;
    if (frameRouter != null) {
      // Format version 2: the route is decided on the raw frame, then that domain's prompt and adaptor
      // apply; the source route runs the bare student. One student inference either way.
      FrameRouter.Route chosen = frameRouter.route(input);
      prediction = student.infer(chosen.prompted(input));
      logits = chosen.logits(prediction.features(), prediction.logits());
      route = chosen.routeId();
      code = s.encoder().encode(prediction.features());
    } else {
      VisualPrompt prompt = s.prompt();
      prediction = student.infer(prompt == null ? input : prompt.apply(input));
      code = s.encoder().encode(prediction.features());
      DomainRouter.Routed routed = s.router().apply(code, prediction.features(), prediction.logits());
      logits = routed.logits();
      route = routed.route().routeId();
    }
    float[] features = prediction.features();
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
