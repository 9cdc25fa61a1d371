package io.driftline.teacher.pipeline;

import java.util.List;

/**
 * One adaptation job.
 *
 * @param bundleId id of the bundle to produce
 * @param version its version (non-negative, above what devices run)
 * @param samples the uploaded samples, grouped into domains by {@link UploadedSample#domainId()}
 * @param source labelled source-domain samples for the gate and the raw-frame routing
 */
public record AdaptationRequest(String bundleId, long version, List<UploadedSample> samples, SourceSamples source) {

  /** Copies the list. */
  public AdaptationRequest {
    samples = List.copyOf(samples);
  }
}
