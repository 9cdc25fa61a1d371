package io.driftline.agent.pipeline;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.VisualPrompt;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds pipeline snapshots from bundles, keeping the domain adaptors within the memory budget.
 *
 * <p>Policy: <b>evict</b>. Adaptors are ranked by how many frames the previous snapshot routed to
 * their domain (most used first; unused ones keep the bundle's order) and installed while they fit;
 * the rest are left out and their frames fall back to the student's own head (with raw-frame
 * routing, a left-out domain's frames run the bare student: no prompt, no adaptor). Merging adaptors
 * would need both to share a hidden layer shape and would blend two domains' corrections, so the
 * agent does not merge.
 */
public final class SnapshotFactory {

  private static final Logger log = LoggerFactory.getLogger(SnapshotFactory.class);

  private final int featureDimension;
  private final HdcEncoder defaultEncoder;
  private final double routingThreshold;
  private final long memoryBudgetBytes;

  /** Creates a factory for a student with {@code featureDimension} features. */
  public SnapshotFactory(int featureDimension, int hdcDimension, double routingThreshold, long memoryBudgetBytes) {
    this.featureDimension = featureDimension;
    this.defaultEncoder = HdcEncoder.builder().setFeatureDimension(featureDimension).optDimension(hdcDimension).build();
    this.routingThreshold = routingThreshold;
    this.memoryBudgetBytes = memoryBudgetBytes;
  }

  /** The snapshot of the bare student: no prompt, no adaptors. */
  public PipelineSnapshot bare() {
    return new PipelineSnapshot(null, null, defaultEncoder, new DomainRouter(List.of(), routingThreshold), null,
        List.of(), 0);
  }

  /**
   * Builds the snapshot of {@code bundle}.
   *
   * @param usage frames per domain routed by the previous snapshot, for the eviction order
   * @throws IllegalArgumentException if the bundle does not fit the student (feature width, prototype dimension)
   */
  public PipelineSnapshot build(Bundle bundle, Map<String, Long> usage) {
    HdcEncoder encoder = bundle.encoder() != null ? bundle.encoder() : defaultEncoder;
    if (encoder.featureDimension() != featureDimension) {
      throw new IllegalArgumentException("bundle " + bundle.metadata().bundleId() + " encodes "
          + encoder.featureDimension() + " features, the student has " + featureDimension);
    }
    List<DomainAdaptor> ranked = new ArrayList<>(bundle.adaptors());
    ranked.sort(Comparator.comparingLong((DomainAdaptor d) -> -usage.getOrDefault(d.domainId(), 0L)));
    List<DomainAdaptor> installed = new ArrayList<>();
    List<String> evicted = new ArrayList<>();
    long bytes = 0;
    boolean rawRouting = bundle.routing() != null;
    for (DomainAdaptor domain : ranked) {
      if (!rawRouting && domain.prototype().dimension() != encoder.dimension()) {
        throw new IllegalArgumentException("domain " + domain.domainId() + " has a " + domain.prototype().dimension()
            + "-bit prototype, the encoder makes " + encoder.dimension() + " bits");
      }
      if (domain.adaptor().inputSize() != featureDimension) {
        throw new IllegalArgumentException("adaptor of domain " + domain.domainId() + " reads "
            + domain.adaptor().inputSize() + " features, the student has " + featureDimension);
      }
      VisualPrompt prompt = bundle.domainPrompts().get(domain.domainId());
      long size = sizeOf(domain) + (prompt == null ? 0 : 4L * prompt.parameterCount());
      if (bytes + size <= memoryBudgetBytes) {
        installed.add(domain);
        bytes += size;
      } else {
        evicted.add(domain.domainId());
      }
    }
    if (!evicted.isEmpty()) {
      log.warn("bundle {} v{}: evicted domain adaptors {} to stay within the memory budget of {} bytes",
          bundle.metadata().bundleId(), bundle.metadata().version(), evicted, memoryBudgetBytes);
    }
    if (rawRouting) {
      // Raw-frame routing: an evicted domain stays routable but runs the bare student, so its frames
      // neither reach another domain's prompt nor take the budget.
      List<FrameRouter.Domain> domains = new ArrayList<>();
      for (FrameRouter.Domain d : bundle.routableDomains()) {
        domains.add(evicted.contains(d.domainId()) ? new FrameRouter.Domain(d.domainId(), d.prototype(), null, null) : d);
      }
      return new PipelineSnapshot(bundle, null, encoder, new DomainRouter(List.of(), routingThreshold),
          new FrameRouter(bundle.routing(), domains), evicted, bytes);
    }
    return new PipelineSnapshot(bundle, bundle.prompt(), encoder,
        new DomainRouter(installed, routingThreshold), null, evicted, bytes);
  }

  /** Bytes one installed domain takes: adaptor weights plus its prototype bits. */
  public static long sizeOf(DomainAdaptor domain) {
    return domain.adaptor().byteSize() + (domain.prototype().dimension() + 7) / 8;
  }

  /** The default encoder (used when a bundle has none). */
  public HdcEncoder defaultEncoder() {
    return defaultEncoder;
  }

  /** Returns the factory's budget. */
  public long memoryBudgetBytes() {
    return memoryBudgetBytes;
  }

}
