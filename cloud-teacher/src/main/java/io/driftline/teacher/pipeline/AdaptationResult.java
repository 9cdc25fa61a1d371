package io.driftline.teacher.pipeline;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.FrameRouting;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import io.driftline.teacher.adapt.GateDecision;
import io.driftline.teacher.adapt.QuantizationCost;
import io.driftline.teacher.label.PseudoLabel;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one adaptation produced. A rejected gate leaves {@code encodedBundle} null, but every figure
 * (and the unsigned candidate, for analysis) is still here.
 *
 * @param encodedBundle the signed bundle ({@code BundleCodec} encoding), or null if no domain passed the gate
 * @param candidate the bundle of the domains that passed the gate, before signing (no domain if none did)
 * @param prompts the learned prompt of every domain (empty with the prompt switched off)
 * @param adaptorsByPrecision every domain's adaptor at every precision (empty with the adaptor switched off)
 * @param routing the raw-frame routing
 * @param prototypes every domain's routing prototype
 * @param gate the decision on the bundle as shipped, with its figures on all held-out and source samples
 * @param domainGates the gate's decision per domain, in the request's domain order
 * @param quantization accuracy and bytes per precision on the held-out pseudo-labelled samples (all domains)
 * @param lineage the bundle's lineage
 * @param trainingSampleIds ids of the samples trained on
 * @param heldOutSampleIds ids of the samples kept for the gate
 * @param labels the teacher's label of every sample the label policy kept, by sample id (training and held out)
 * @param seconds wall-clock time of the whole adaptation
 */
public record AdaptationResult(
    byte @Nullable [] encodedBundle,
    Bundle candidate,
    Map<String, VisualPrompt> prompts,
    Map<Precision, List<DomainAdaptor>> adaptorsByPrecision,
    FrameRouting routing,
    Map<String, Hypervector> prototypes,
    GateDecision gate,
    Map<String, GateDecision> domainGates,
    List<QuantizationCost> quantization,
    Map<String, String> lineage,
    List<String> trainingSampleIds,
    List<String> heldOutSampleIds,
    Map<String, PseudoLabel> labels,
    double seconds) {

  /** Whether at least one domain passed the gate, so the bundle ships. */
  public boolean ships() {
    return encodedBundle != null;
  }

  /** The domain adaptors at {@code precision} (empty without adaptors). */
  public List<DomainAdaptor> adaptors(Precision precision) {
    return adaptorsByPrecision.getOrDefault(precision, List.of());
  }

  /**
   * The device's router over every domain, gate or not: each domain with its prompt (if {@code withPrompts})
   * and its adaptor at {@code precision} (if {@code withAdaptors}).
   */
  public FrameRouter router(Precision precision, boolean withPrompts, boolean withAdaptors) {
    return new FrameRouter(routing, AdaptationPipeline.domains(List.copyOf(prototypes.keySet()), prototypes,
        withPrompts ? prompts : Map.of(), withAdaptors ? adaptors(precision) : List.of()));
  }
}
