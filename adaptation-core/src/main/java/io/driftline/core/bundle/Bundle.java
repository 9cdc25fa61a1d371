package io.driftline.core.bundle;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.FrameRouting;
import io.driftline.core.update.VisualPrompt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One update for one student: metadata, an optional visual prompt, the domain adaptors and
 * optional extra domain prototypes. Encoded, signed and verified by {@link BundleCodec}.
 *
 * <p>Two routing semantics. Without {@code routing} (format version 1): the one {@code prompt}
 * applies to every frame, and the adaptor is chosen afterwards by the HDC code of the prompted
 * student's features ({@link #router}). With {@code routing} (format version 2): the route is
 * decided on the raw frame first ({@link #frameRouter}); source frames keep the bare student, a
 * domain's frames get that domain's prompt ({@code domainPrompts}, optional per domain), the student
 * and that domain's adaptor; the prototypes are then routing prototypes and there is no bundle-wide
 * prompt. Domains in {@code extraPrototypes} may carry a prompt without an adaptor.
 *
 * <p>Equality is by value (prompt, adaptor weights and prototypes included), so a decoded bundle
 * equals the one that was encoded.
 *
 * @param metadata identity, version, target student and lineage
 * @param prompt the visual prompt, or null when the bundle only carries adaptors
 * @param adaptors domain adaptors in installation order (domain ids unique, same feature and class
 *     counts, prototypes of one dimension)
 * @param extraPrototypes known domains without an adaptor (ids unique and distinct from the
 *     adaptors')
 * @param encoder the HDC encoder of the student's features: without routing the one the domain
 *     prototypes were made with (null when the device's own encoder is meant; a device must route
 *     with exactly this encoder, because prototypes from another projection are unrelated bit
 *     patterns); with routing only the encoder of the device's OOD class prototypes, or null
 * @param domainPrompts per-domain visual prompts by domain id (each id an adaptor's or extra
 *     prototype's); only with routing
 * @param routing the raw-frame routing, or null for the version 1 semantics
 */
public record Bundle(
    BundleMetadata metadata,
    @Nullable VisualPrompt prompt,
    List<DomainAdaptor> adaptors,
    List<DomainPrototype> extraPrototypes,
    @Nullable HdcEncoder encoder,
    Map<String, VisualPrompt> domainPrompts,
    @Nullable FrameRouting routing) {

  /** Creates a bundle with the version 1 semantics (no raw-frame routing, no per-domain prompts). */
  public Bundle(
      BundleMetadata metadata,
      @Nullable VisualPrompt prompt,
      List<DomainAdaptor> adaptors,
      List<DomainPrototype> extraPrototypes,
      @Nullable HdcEncoder encoder) {
    this(metadata, prompt, adaptors, extraPrototypes, encoder, Map.of(), null);
  }

  /** Creates a bundle without an HDC encoder of its own. */
  public Bundle(
      BundleMetadata metadata,
      @Nullable VisualPrompt prompt,
      List<DomainAdaptor> adaptors,
      List<DomainPrototype> extraPrototypes) {
    this(metadata, prompt, adaptors, extraPrototypes, null, Map.of(), null);
  }

  /** Checks that adaptors, prototypes and encoder are consistent with each other and copies the lists. */
  public Bundle {
    adaptors = List.copyOf(adaptors);
    extraPrototypes = List.copyOf(extraPrototypes);
    domainPrompts = Collections.unmodifiableMap(new TreeMap<>(domainPrompts));
    Set<String> ids = new HashSet<>();
    Integer dimension = null;
    for (DomainAdaptor d : adaptors) {
      if (!ids.add(d.domainId())) {
        throw new IllegalArgumentException("bundle has two adaptors for domain '" + d.domainId() + "'");
      }
      dimension = checkDimension(dimension, d.domainId(), d.prototype().dimension());
      Adaptor first = adaptors.get(0).adaptor();
      if (d.adaptor().inputSize() != first.inputSize()
          || d.adaptor().classCount() != first.classCount()) {
        throw new IllegalArgumentException(
            "adaptor of domain '" + d.domainId() + "' maps " + d.adaptor().inputSize() + " -> "
                + d.adaptor().classCount() + " but adaptor of domain '" + adaptors.get(0).domainId()
                + "' maps " + first.inputSize() + " -> " + first.classCount()
                + "; all adaptors of a bundle serve the same student");
      }
    }
    for (DomainPrototype p : extraPrototypes) {
      if (!ids.add(p.domainId())) {
        throw new IllegalArgumentException(
            "extra prototype for domain '" + p.domainId() + "' repeats a domain id of the bundle");
      }
      dimension = checkDimension(dimension, p.domainId(), p.prototype().dimension());
    }
    for (String id : domainPrompts.keySet()) {
      if (!ids.contains(id)) {
        throw new IllegalArgumentException("prompt for domain '" + id + "' but the bundle has no adaptor or "
            + "prototype of that domain");
      }
    }
    if (routing != null) {
      if (prompt != null) {
        throw new IllegalArgumentException("a bundle with raw-frame routing has per-domain prompts only, not a "
            + "prompt for every frame");
      }
      if (dimension != null && dimension != routing.encoder().dimension()) {
        throw new IllegalArgumentException("the bundle's prototypes have " + dimension
            + " bits but its routing encoder makes " + routing.encoder().dimension() + "-bit vectors");
      }
    } else if (!domainPrompts.isEmpty()) {
      throw new IllegalArgumentException("per-domain prompts need raw-frame routing: the route must be known "
          + "before the prompt");
    }
    if (encoder != null && routing != null) {
      if (!adaptors.isEmpty() && adaptors.get(0).adaptor().inputSize() != encoder.featureDimension()) {
        throw new IllegalArgumentException(
            "the bundle's adaptors take " + adaptors.get(0).adaptor().inputSize()
                + " features but its HDC encoder takes " + encoder.featureDimension());
      }
    } else if (encoder != null) {
      if (dimension != null && dimension != encoder.dimension()) {
        throw new IllegalArgumentException(
            "the bundle's prototypes have " + dimension + " bits but its HDC encoder makes "
                + encoder.dimension() + "-bit vectors");
      }
      if (!adaptors.isEmpty() && adaptors.get(0).adaptor().inputSize() != encoder.featureDimension()) {
        throw new IllegalArgumentException(
            "the bundle's adaptors take " + adaptors.get(0).adaptor().inputSize()
                + " features but its HDC encoder takes " + encoder.featureDimension());
      }
    }
  }

  private static int checkDimension(@Nullable Integer expected, String domainId, int actual) {
    if (expected != null && expected != actual) {
      throw new IllegalArgumentException(
          "prototype of domain '" + domainId + "' has " + actual + " bits but the bundle's other "
              + "prototypes have " + expected + "; all must come from the same HDC encoder");
    }
    return actual;
  }

  /** Returns a router over this bundle's adaptors with the given similarity threshold (version 1 semantics). */
  public DomainRouter router(double threshold) {
    return new DomainRouter(adaptors, threshold);
  }

  /**
   * Returns the raw-frame router over this bundle's adaptors and extra prototypes with their
   * prompts, or null without routing (version 1 semantics).
   */
  public @Nullable FrameRouter frameRouter() {
    return routing == null ? null : new FrameRouter(routing, routableDomains());
  }

  /** The routable domains: adaptors, then extra prototypes, each with its prompt (if any). */
  public List<FrameRouter.Domain> routableDomains() {
    List<FrameRouter.Domain> domains = new ArrayList<>();
    for (DomainAdaptor d : adaptors) {
      domains.add(new FrameRouter.Domain(d.domainId(), d.prototype(), domainPrompts.get(d.domainId()), d.adaptor()));
    }
    for (DomainPrototype p : extraPrototypes) {
      domains.add(new FrameRouter.Domain(p.domainId(), p.prototype(), domainPrompts.get(p.domainId()), null));
    }
    return domains;
  }

  /** The same bundle with other metadata (for example a new version re-issuing this content). */
  public Bundle withMetadata(BundleMetadata newMetadata) {
    return new Bundle(newMetadata, prompt, adaptors, extraPrototypes, encoder, domainPrompts, routing);
  }

  /** Returns a builder for a bundle. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Bundle}: metadata is required, everything else optional. */
  public static final class Builder {
    private @Nullable BundleMetadata metadata;
    private @Nullable VisualPrompt prompt;
    private final List<DomainAdaptor> adaptors = new ArrayList<>();
    private final List<DomainPrototype> extraPrototypes = new ArrayList<>();
    private @Nullable HdcEncoder encoder;
    private final Map<String, VisualPrompt> domainPrompts = new TreeMap<>();
    private @Nullable FrameRouting routing;

    private Builder() {}

    /** Sets the prompt of one domain (an adaptor's or extra prototype's id); needs routing. */
    public Builder optDomainPrompt(String domainId, VisualPrompt domainPrompt) {
      domainPrompts.put(domainId, domainPrompt);
      return this;
    }

    /** Sets the raw-frame routing (the version 2 semantics). */
    public Builder optRouting(@Nullable FrameRouting routing) {
      this.routing = routing;
      return this;
    }

    /** Sets the metadata (required). */
    public Builder setMetadata(BundleMetadata metadata) {
      this.metadata = metadata;
      return this;
    }

    /** Sets the visual prompt. */
    public Builder optPrompt(@Nullable VisualPrompt prompt) {
      this.prompt = prompt;
      return this;
    }

    /** Appends a domain adaptor. */
    public Builder optAdaptor(DomainAdaptor adaptor) {
      adaptors.add(adaptor);
      return this;
    }

    /** Appends an extra domain prototype. */
    public Builder optExtraPrototype(DomainPrototype prototype) {
      extraPrototypes.add(prototype);
      return this;
    }

    /** Sets the HDC encoder the domain prototypes were made with. */
    public Builder optEncoder(@Nullable HdcEncoder encoder) {
      this.encoder = encoder;
      return this;
    }

    /**
     * Builds the bundle.
     *
     * @throws IllegalStateException if no metadata was set
     */
    public Bundle build() {
      if (metadata == null) {
        throw new IllegalStateException("bundle metadata is required: call setMetadata first");
      }
      return new Bundle(metadata, prompt, adaptors, extraPrototypes, encoder, domainPrompts, routing);
    }
  }
}
