package io.driftline.teacher.jobs;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One bundle variant of a job: for one student and one precision and budget class of the cohort's
 * devices, with its gate figures and how far its publishing got.
 *
 * @param variant the variant's key, e.g. {@code student-small:1/INT8/b65536/m1048576}
 * @param student the registry student version {@code name:version}
 * @param precision the adaptor precision
 * @param maxBytes the adaptor byte budget of the class, or null for none
 * @param maxMacs the adaptor MAC budget of the class, or null for none
 * @param devices the devices the variant is for
 * @param status {@code TRAINED}, {@code REJECTED}, {@code REGISTERED} or {@code ROLLED_OUT}
 * @param bundleModel the registry bundle model, once known
 * @param bundleVersion the registry version, once registered
 * @param digest the uploaded artefact's digest, once uploaded
 * @param bytes the bundle's size in bytes, once encoded
 * @param rolloutId the registry rollout, once rolled out
 * @param gate the gate's decision and figures
 */
public record JobVariant(
    String variant,
    String student,
    String precision,
    @Nullable Long maxBytes,
    @Nullable Long maxMacs,
    List<String> devices,
    String status,
    @Nullable String bundleModel,
    @Nullable Long bundleVersion,
    @Nullable String digest,
    @Nullable Long bytes,
    @Nullable String rolloutId,
    Map<String, Object> gate) {

  /** Copies the lists and maps. */
  public JobVariant {
    devices = List.copyOf(devices);
    gate = Map.copyOf(gate);
  }
}
