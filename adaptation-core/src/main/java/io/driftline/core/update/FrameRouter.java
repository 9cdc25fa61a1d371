package io.driftline.core.update;

import io.driftline.core.hdc.Hypervector;
import io.driftline.core.image.Image;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Routes each raw frame, before any prompt, to the source route (the bare student) or to one
 * domain, whose prompt and adaptor then apply: {@code logits = adaptor(student(prompt(x)))}. A frame
 * goes to the domain whose prototype is most similar to the frame's routing code (ties to the
 * smallest domain id) only if that similarity exceeds the source prototype's by more than the
 * routing's margin; otherwise it keeps the unadapted student, so a clean frame is never prompted.
 *
 * <p>One student inference per frame: the route is decided from the frame's pixel statistics
 * ({@link FrameRouting}), not from student features. Instances are immutable and thread-safe.
 */
public final class FrameRouter {

  /**
   * One routable domain.
   *
   * @param domainId non-blank id, not {@value DomainRouter#STUDENT_ROUTE}
   * @param prototype the domain's routing prototype (same dimension as the routing encoder)
   * @param prompt the domain's visual prompt, or null to feed the raw frame
   * @param adaptor the domain's adaptor, or null to keep the student's head
   */
  public record Domain(
      String domainId, Hypervector prototype, @Nullable VisualPrompt prompt, @Nullable Adaptor adaptor) {

    /** Checks the id. */
    public Domain {
      if (domainId.isBlank() || domainId.equals(DomainRouter.STUDENT_ROUTE)) {
        throw new IllegalArgumentException("domain id must be non-blank and not '" + DomainRouter.STUDENT_ROUTE
            + "', got '" + domainId + "'");
      }
    }

    /** The frame the student sees: the prompted frame, or {@code input} itself without a prompt. */
    public Image prompted(Image input) {
      return prompt == null ? input : prompt.apply(input);
    }

    /** Final logits: the adaptor's output, or {@code studentLogits} itself without an adaptor. */
    public float[] logits(float[] features, float[] studentLogits) {
      return adaptor == null ? studentLogits : adaptor.apply(features, studentLogits);
    }
  }

  /**
   * The route of one frame.
   *
   * @param routeId the domain id, or {@value DomainRouter#STUDENT_ROUTE}
   * @param domain the chosen domain, or null for the source route
   * @param similarity the best domain similarity (0 without domains)
   * @param sourceSimilarity the similarity to the source prototype
   */
  public record Route(String routeId, @Nullable Domain domain, double similarity, double sourceSimilarity) {

    /** Whether the frame keeps the bare student. */
    public boolean isStudent() {
      return domain == null;
    }

    /** The frame the student sees on this route. */
    public Image prompted(Image input) {
      return domain == null ? input : domain.prompted(input);
    }

    /** Final logits on this route. */
    public float[] logits(float[] features, float[] studentLogits) {
      return domain == null ? studentLogits : domain.logits(features, studentLogits);
    }
  }

  private final FrameRouting routing;
  private final List<Domain> domains;

  /**
   * Creates a router.
   *
   * @throws IllegalArgumentException if domain ids repeat or a prototype's dimension differs from
   *     the routing encoder's
   */
  public FrameRouter(FrameRouting routing, List<Domain> domains) {
    Set<String> ids = new HashSet<>();
    for (Domain d : domains) {
      if (!ids.add(d.domainId())) {
        throw new IllegalArgumentException("domain id '" + d.domainId() + "' appears twice");
      }
      if (d.prototype().dimension() != routing.encoder().dimension()) {
        throw new IllegalArgumentException("routing prototype of domain '" + d.domainId() + "' has "
            + d.prototype().dimension() + " bits but the routing encoder makes " + routing.encoder().dimension());
      }
    }
    this.routing = routing;
    this.domains = List.copyOf(domains);
  }

  /** Chooses the route of a frame already conformed to the student's input shape. */
  public Route route(Image frame) {
    Hypervector code = routing.encode(frame);
    double source = code.hammingSimilarity(routing.sourcePrototype());
    Domain best = null;
    double bestSimilarity = 0;
    for (Domain d : domains) {
      double similarity = code.hammingSimilarity(d.prototype());
      if (best == null || similarity > bestSimilarity
          || (similarity == bestSimilarity && d.domainId().compareTo(best.domainId()) < 0)) {
        best = d;
        bestSimilarity = similarity;
      }
    }
    if (best == null || bestSimilarity <= source + routing.margin()) {
      return new Route(DomainRouter.STUDENT_ROUTE, null, bestSimilarity, source);
    }
    return new Route(best.domainId(), best, bestSimilarity, source);
  }

  /** The routing parameters. */
  public FrameRouting routing() {
    return routing;
  }

  /** The routable domains, in the order given. */
  public List<Domain> domains() {
    return domains;
  }
}
