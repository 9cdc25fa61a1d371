package io.driftline.teacher.pipeline;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.VisualPrompt;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Applies an adaptation the way a device does (the device agent's {@code FramePipeline}). Format
 * version 2: conform the frame to the student's input, route the raw frame ({@link FrameRouter}),
 * apply that route's prompt, run the ONNX student, apply that route's adaptor, take the argmax.
 * Version 1 (and the ablations that replay it): apply the one visual prompt, run the student, encode
 * its features with the HDC encoder, route to the closest domain's adaptor (or keep the student's
 * head below the routing threshold). Frames go through the student in batches, which gives the same
 * numbers as one frame at a time.
 */
public final class DeviceReplay {

  /** The device agent's default routing threshold ({@code driftline.agent.hdc.routing-threshold}). */
  public static final double AGENT_ROUTING_THRESHOLD = 0.6;

  /** The device agent's default hypervector bits ({@code driftline.agent.hdc.dimension}). */
  public static final int AGENT_HDC_DIMENSION = 1024;

  private static final int BATCH = 256;

  private DeviceReplay() {}

  /**
   * What the device path produced per frame.
   *
   * @param predictions predicted class
   * @param routes route id (domain id or {@value DomainRouter#STUDENT_ROUTE})
   * @param features the prompted student's features
   * @param studentLogits the prompted student's own logits
   */
  public record Outcome(int[] predictions, String[] routes, float[][] features, float[][] studentLogits) {

    /** Fraction of frames whose prediction equals the label. */
    public double accuracy(int[] labels) {
      if (labels.length != predictions.length || labels.length == 0) {
        throw new IllegalArgumentException(
            labels.length + " labels for " + predictions.length + " predictions");
      }
      int correct = 0;
      for (int i = 0; i < labels.length; i++) {
        correct += labels[i] == predictions[i] ? 1 : 0;
      }
      return (double) correct / labels.length;
    }

    /** Fraction of frames routed to {@code routeId}. */
    public double routeShare(String routeId) {
      int n = 0;
      for (String r : routes) {
        n += r.equals(routeId) ? 1 : 0;
      }
      return routes.length == 0 ? 0 : (double) n / routes.length;
    }
  }

  /**
   * Runs a decoded bundle. With raw-frame routing (format version 2) the frame is routed first and
   * {@code routingThreshold} is unused; otherwise (version 1) the bundle's one prompt applies to every
   * frame and the adaptor is routed on features, with the bundle's encoder or, without one, the
   * device's default encoder ({@value #AGENT_HDC_DIMENSION} bits, default seed, no centre).
   */
  public static Outcome run(StudentModel student, Bundle bundle, double routingThreshold, List<Image> frames) {
    FrameRouter frameRouter = bundle.frameRouter();
    if (frameRouter != null) {
      return run(student, frameRouter, frames);
    }
    HdcEncoder encoder = bundle.encoder() != null ? bundle.encoder() : defaultEncoder(student.featureDimension());
    return run(student, bundle.prompt(), bundle.adaptors(), encoder, routingThreshold, frames);
  }

  /** Runs a prompt (or none) and domain adaptors (or none) routed with {@code encoder}. */
  public static Outcome run(
      StudentModel student,
      @Nullable VisualPrompt prompt,
      List<DomainAdaptor> adaptors,
      HdcEncoder encoder,
      double routingThreshold,
      List<Image> frames) {
    StudentOutput out = infer(student, prompt, frames);
    DomainRouter router = new DomainRouter(adaptors, routingThreshold);
    int n = frames.size();
    int[] predictions = new int[n];
    String[] routes = new String[n];
    for (int i = 0; i < n; i++) {
      float[] features = out.features()[i];
      float[] logits = out.logits()[i];
      if (adaptors.isEmpty()) {
        routes[i] = DomainRouter.STUDENT_ROUTE;
        predictions[i] = argmax(logits);
        continue;
      }
      DomainRouter.Routed routed = router.apply(encoder.encode(features), features, logits);
      routes[i] = routed.route().routeId();
      predictions[i] = argmax(routed.logits());
    }
    return new Outcome(predictions, routes, out.features(), out.logits());
  }

  /** The bare student on every frame (no prompt, no adaptor). */
  public static Outcome bare(StudentModel student, List<Image> frames) {
    return run(student, null, List.of(), defaultEncoder(student.featureDimension()), 1, frames);
  }

  /**
   * Runs the raw-frame routing as the device agent does: route the conformed raw frame, apply the
   * route's prompt, run the student, apply the route's adaptor. Frames go through the student in
   * batches; the features and logits reported are those of the prompted student.
   */
  public static Outcome run(StudentModel student, FrameRouter router, List<Image> frames) {
    int[] shape = student.inputShape();
    int n = frames.size();
    String[] routes = new String[n];
    List<Image> prompted = new ArrayList<>(n);
    List<FrameRouter.Route> chosen = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Image input = ImageOps.conform(frames.get(i), shape[0], shape[1], shape[2]);
      FrameRouter.Route route = router.route(input);
      chosen.add(route);
      routes[i] = route.routeId();
      prompted.add(route.prompted(input));
    }
    StudentOutput out = infer(student, null, prompted);
    int[] predictions = new int[n];
    for (int i = 0; i < n; i++) {
      predictions[i] = argmax(chosen.get(i).logits(out.features()[i], out.logits()[i]));
    }
    return new Outcome(predictions, routes, out.features(), out.logits());
  }

  /** Features and logits of {@code student(prompt(x))} for each frame (no prompt: the raw frames). */
  public static StudentOutput infer(StudentModel student, @Nullable VisualPrompt prompt, List<Image> frames) {
    int[] shape = student.inputShape();
    int n = frames.size();
    float[][] features = new float[n][];
    float[][] logits = new float[n][];
    for (int start = 0; start < n; start += BATCH) {
      List<Image> batch = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + BATCH); i++) {
        Image input = ImageOps.conform(frames.get(i), shape[0], shape[1], shape[2]);
        batch.add(prompt == null ? input : prompt.apply(input));
      }
      StudentOutput out = student.infer(batch);
      for (int i = 0; i < batch.size(); i++) {
        features[start + i] = out.features()[i];
        logits[start + i] = out.logits()[i];
      }
    }
    return new StudentOutput(features, logits);
  }

  /** The encoder a device uses when a bundle brings none. */
  public static HdcEncoder defaultEncoder(int featureDimension) {
    return HdcEncoder.builder().setFeatureDimension(featureDimension).optDimension(AGENT_HDC_DIMENSION).build();
  }

  /** Index of the largest value. */
  public static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
