package io.driftline.teacher.pipeline;

import io.driftline.core.image.Image;

/**
 * One frame a device uploaded, with the domain (drift incident) it was grouped into.
 *
 * @param sampleId unique id of the sample (for example the {@code DeviceSample} event id), recorded
 *     in the bundle's lineage
 * @param domainId the domain the frame belongs to; each domain gets its own adaptor
 * @param image the frame, pixels in [0,1]
 */
public record UploadedSample(String sampleId, String domainId, Image image) {

  /** Checks the ids. */
  public UploadedSample {
    if (sampleId.isBlank()) {
      throw new IllegalArgumentException("sample id must not be blank");
    }
    if (domainId.isBlank()) {
      throw new IllegalArgumentException("domain id of sample '" + sampleId + "' must not be blank");
    }
  }
}
