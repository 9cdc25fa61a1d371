package io.driftline.core.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The bundle a device should run (the desired half of its digital twin). Travels as JSON on the
 * log-compacted {@link Topics#FLEET_DESIRED_STATE}; the Kafka key is the device id, and a record
 * with a null value (a tombstone) means the device was removed from the fleet.
 *
 * @param deviceId the device; the Kafka key
 * @param bundle the bundle to run
 * @param artefactDigest SHA-256 of the bundle artefact, 64 lower-case hex digits
 * @param artefactUrl where to download the artefact: an absolute URL or a path on the registry (a URI reference)
 * @param signatureKeyId id of the registry key that signed the artefact (devices pin its public key)
 * @param issuedAt when the registry set this desired state
 * @param generation per-device counter, increased by every change; devices ignore a generation
 *     lower than the one they applied
 */
public record DesiredState(
    String deviceId,
    BundleRef bundle,
    String artefactDigest,
    String artefactUrl,
    String signatureKeyId,
    Instant issuedAt,
    long generation)
    implements DriftlineEvent {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  /** Checks every field; messages name the field that is wrong. */
  public DesiredState {
    Checks.id(deviceId, "deviceId");
    Checks.required(bundle, "bundle");
    Checks.required(artefactDigest, "artefactDigest");
    if (!SHA256_HEX.matcher(artefactDigest).matches()) {
      throw new IllegalArgumentException(
          "artefactDigest must be a SHA-256 digest as 64 lower-case hex digits, got '" + artefactDigest + "'");
    }
    Checks.required(artefactUrl, "artefactUrl");
    if (artefactUrl.isBlank()) {
      throw new IllegalArgumentException("artefactUrl must not be blank");
    }
    try {
      new URI(artefactUrl);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("artefactUrl is not a valid URI reference: " + e.getMessage(), e);
    }
    Checks.id(signatureKeyId, "signatureKeyId");
    Checks.required(issuedAt, "issuedAt");
    Checks.nonNegative(generation, "generation");
  }

  /** The Kafka key: the device id; compaction keeps the latest desired state per device. */
  @Override
  public String key() {
    return deviceId;
  }

  @Override
  public EventType eventType() {
    return EventType.DESIRED_STATE;
  }

  /** The CloudEvents id: {@code desired-state/<deviceId>/<generation>}. */
  @Override
  public String ceId() {
    return "desired-state/" + deviceId + "/" + generation;
  }

  /** The CloudEvents source: {@code /registry}. */
  @Override
  public String ceSource() {
    return "/registry";
  }

  /** The CloudEvents time: {@link #issuedAt()}. */
  @Override
  public Instant ceTime() {
    return issuedAt;
  }

  /** The CloudEvents subject: the device id. */
  @Override
  public String ceSubject() {
    return deviceId;
  }
}
