package io.driftline.agent.pipeline;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.events.BundleRef;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.FrameRouter;
import io.driftline.core.update.VisualPrompt;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Holds one immutable state of the adaptation pipeline: the active bundle's prompt, encoder and
 * router. An update builds a new snapshot and swaps it in one reference write, so every frame runs
 * wholly on the old or wholly on the new bundle.
 *
 * @param bundle the active bundle (null: the bare student)
 * @param prompt its visual prompt, if any
 * @param encoder the HDC encoder (the bundle's own, or the agent's default)
 * @param router router over the installed (budget-fitting) adaptors on prompted features (format
 *     version 1 bundles; empty with raw-frame routing)
 * @param frameRouter raw-frame router over the bundle's domains, their prompts and the installed
 *     adaptors (format version 2 bundles), or null
 * @param evictedDomains domains of the bundle left out to fit the memory budget
 * @param adaptorBytes bytes of the installed adaptors and prototypes
 */
public record PipelineSnapshot(
    @Nullable Bundle bundle,
    @Nullable VisualPrompt prompt,
    HdcEncoder encoder,
    DomainRouter router,
    @Nullable FrameRouter frameRouter,
    List<String> evictedDomains,
    long adaptorBytes) {

  /** Copies the list. */
  public PipelineSnapshot {
    evictedDomains = List.copyOf(evictedDomains);
  }

  /** The active bundle's reference, or null for the bare student. */
  public @Nullable BundleRef bundleRef() {
    return bundle == null ? null
        : new BundleRef(bundle.metadata().bundleId(), bundle.metadata().version());
  }

  /** The active bundle's version, 0 for the bare student. */
  public long version() {
    return bundle == null ? 0 : bundle.metadata().version();
  }
}
