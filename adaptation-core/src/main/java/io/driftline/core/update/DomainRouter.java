package io.driftline.core.update;

import io.driftline.core.hdc.Hypervector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Routes each frame to the adaptor of its closest domain: the domain whose prototype has the
 * highest Hamming similarity ({@link Hypervector#hammingSimilarity}) to the frame's hypervector,
 * provided that similarity reaches the threshold; otherwise the frame keeps the student's own head.
 *
 * <p>Keeping one adaptor per domain and routing by similarity is what lets a device return to an
 * old domain without forgetting it. Ties between equally similar domains go to the
 * lexicographically smallest domain id, so the choice never depends on the order adaptors were
 * installed in.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class DomainRouter {

  /** Route id reported when a frame falls back to the student's own head. */
  public static final String STUDENT_ROUTE = "student";

  private final List<DomainAdaptor> domains;
  private final double threshold;

  /**
   * Creates a router.
   *
   * @param domains the installed domain adaptors (may be empty: every frame then uses the student)
   * @param threshold minimum Hamming similarity in [0,1] for a domain to be chosen; unrelated random
   *     hypervectors score about 0.5, so useful thresholds lie above that
   * @throws IllegalArgumentException if domain ids repeat, prototypes differ in dimension, or the
   *     threshold is outside [0,1]
   */
  public DomainRouter(List<DomainAdaptor> domains, double threshold) {
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
      throw new IllegalArgumentException("routing threshold must be in [0,1], got " + threshold);
    }
    Set<String> ids = new HashSet<>();
    for (DomainAdaptor d : domains) {
      if (!ids.add(d.domainId())) {
        throw new IllegalArgumentException("domain id '" + d.domainId() + "' appears twice");
      }
      int expected = domains.get(0).prototype().dimension();
      if (d.prototype().dimension() != expected) {
        throw new IllegalArgumentException(
            "prototype of domain '" + d.domainId() + "' has " + d.prototype().dimension()
                + " bits but domain '" + domains.get(0).domainId() + "' has " + expected
                + "; all prototypes must come from the same HDC encoder");
      }
    }
    this.domains = List.copyOf(domains);
    this.threshold = threshold;
  }

  /**
   * The route chosen for one frame.
   *
   * @param routeId the chosen domain id, or {@value #STUDENT_ROUTE}
   * @param domain the chosen domain adaptor, or null for the student route
   * @param similarity the best similarity found (0 when no domain is installed)
   */
  public record Route(String routeId, @Nullable DomainAdaptor domain, double similarity) {

    /** Whether the frame falls back to the student's own head. */
    public boolean isStudent() {
      return domain == null;
    }
  }

  /**
   * Final logits of one frame and the route that produced them.
   *
   * @param route the route taken
   * @param logits the logits to use for the prediction
   */
  public record Routed(Route route, float[] logits) {}

  /**
   * Chooses the route for a frame's hypervector without running any adaptor.
   *
   * @throws IllegalArgumentException if the hypervector's dimension differs from the prototypes'
   */
  public Route route(Hypervector frame) {
    DomainAdaptor best = null;
    double bestSimilarity = 0.0;
    for (DomainAdaptor d : domains) {
      if (d.prototype().dimension() != frame.dimension()) {
        throw new IllegalArgumentException(
            "frame hypervector has " + frame.dimension() + " bits but domain prototypes have "
                + d.prototype().dimension() + "; encode frames with the bundle's HDC settings");
      }
      double similarity = frame.hammingSimilarity(d.prototype());
      if (best == null
          || similarity > bestSimilarity
          || (similarity == bestSimilarity && d.domainId().compareTo(best.domainId()) < 0)) {
        best = d;
        bestSimilarity = similarity;
      }
    }
    if (best == null || bestSimilarity < threshold) {
      return new Route(STUDENT_ROUTE, null, bestSimilarity);
    }
    return new Route(best.domainId(), best, bestSimilarity);
  }

  /**
   * Routes a frame and returns its final logits: the chosen domain adaptor's output, or on the
   * student route the very {@code studentLogits} array passed in, unchanged.
   *
   * @param frame the frame's hypervector
   * @param features the student's feature vector for the frame
   * @param studentLogits the student's own logits for the frame
   */
  public Routed apply(Hypervector frame, float[] features, float[] studentLogits) {
    Route route = route(frame);
    DomainAdaptor domain = route.domain();
    if (domain == null) {
      return new Routed(route, studentLogits);
    }
    return new Routed(route, domain.adaptor().apply(features, studentLogits));
  }

  /** The installed domain adaptors, in installation order. */
  public List<DomainAdaptor> domains() {
    return domains;
  }

  /** Minimum similarity for a domain to be chosen. */
  public double threshold() {
    return threshold;
  }
}
