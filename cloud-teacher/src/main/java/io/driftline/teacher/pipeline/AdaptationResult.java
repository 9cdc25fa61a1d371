package io.driftline.teacher.pipeline;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import io.driftline.teacher.adapt.GateDecision;
import io.driftline.teacher.adapt.QuantizationCost;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one adaptation produced. A rejected gate leaves {@code encodedBundle} null, but every figure
 * (and the unsigned candidate, for analysis) is still here.
 *
 * @param encodedBundle the signed bundle ({@code BundleCodec} encoding), or null if the gate rejected it
 * @param candidate the bundle as built, before signing, whatever the gate said
 * @param prompt the learned prompt, or null with the prompt switched off
 * @param adaptorsByPrecision the domain adaptors at every precision (empty with the adaptor switched off)
 * @param encoder the HDC encoder of the domain prototypes, or null without adaptors
 * @param gate the gate's decision and figures
 * @param quantization accuracy and bytes per precision on the held-out pseudo-labelled samples
 * @param lineage the bundle's lineage
 * @param trainingSampleIds ids of the samples trained on
 * @param heldOutSampleIds ids of the samples kept for the gate
 * @param seconds wall-clock time of the whole adaptation
 */
public record AdaptationResult(
    byte @Nullable [] encodedBundle,
    Bundle candidate,
    @Nullable VisualPrompt prompt,
    Map<Precision, List<DomainAdaptor>> adaptorsByPrecision,
    @Nullable HdcEncoder encoder,
    GateDecision gate,
    List<QuantizationCost> quantization,
    Map<String, String> lineage,
    List<String> trainingSampleIds,
    List<String> heldOutSampleIds,
    double seconds) {

  /** Whether the gate let the bundle ship. */
  public boolean ships() {
    return encodedBundle != null;
  }

  /** The domain adaptors at {@code precision} (empty without adaptors). */
  public List<DomainAdaptor> adaptors(Precision precision) {
    return adaptorsByPrecision.getOrDefault(precision, List.of());
  }
}
