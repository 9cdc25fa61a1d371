package io.driftline.registry.config;

import io.driftline.core.events.Topics;
import io.driftline.registry.security.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the model registry ({@code driftline.registry.*}).
 *
 * @param artefacts where artefact bytes live and how large they may be
 * @param outbox how the outbox is published to Kafka
 * @param topics the Kafka topics the outbox publishes to
 * @param signing the registry's Ed25519 key and the keys whose bundles it accepts
 * @param security the API tokens
 * @param publicBaseUrl prefix of artefact URLs in desired states (empty: a path on the registry)
 * @param telemetry the telemetry history the console charts
 * @param console the admin console's proxy to the other services
 */
@ConfigurationProperties("driftline.registry")
public record RegistryProperties(
    @DefaultValue Artefacts artefacts,
    @DefaultValue Outbox outbox,
    @DefaultValue TopicNames topics,
    @DefaultValue Signing signing,
    @DefaultValue Security security,
    @DefaultValue("") String publicBaseUrl,
    @DefaultValue Telemetry telemetry,
    @DefaultValue Console console) {

  /**
   * Artefact storage.
   *
   * @param directory the content-addressed blob folder (created if absent)
   * @param maxSize the largest artefact accepted; larger uploads get 413
   */
  public record Artefacts(
      @DefaultValue("registry-data/blobs") Path directory,
      @DefaultValue("256MB") DataSize maxSize) {}

  /**
   * Outbox publishing.
   *
   * @param enabled whether this instance publishes (any number of instances may; one at a time does)
   * @param pollInterval pause between polls when the outbox is empty
   * @param batchSize rows published and marked per transaction
   * @param sendTimeout how long to wait for the broker to acknowledge a batch
   */
  public record Outbox(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("50ms") Duration pollInterval,
      @DefaultValue("1000") int batchSize,
      @DefaultValue("30s") Duration sendTimeout) {}

  /**
   * Kafka topics (declared as {@code NewTopic} beans; tests use names of their own).
   *
   * @param registryEvents the topic of {@code RegistryEvent}s
   * @param desiredState the log-compacted topic of {@code DesiredState}s
   * @param partitions partitions of both topics when the registry creates them
   * @param replicas replication factor of both topics when the registry creates them
   */
  public record TopicNames(
      @DefaultValue(Topics.REGISTRY_EVENTS) String registryEvents,
      @DefaultValue(Topics.FLEET_DESIRED_STATE) String desiredState,
      @DefaultValue("6") int partitions,
      @DefaultValue("1") short replicas) {}

  /**
   * The signing key.
   *
   * @param keyFile the Ed25519 private key (PEM); generated with its public key beside it
   *     ({@code <keyFile>.pub}) on first start if absent
   * @param trustedKeys public keys (PEM or raw base64) whose signed bundles may be uploaded; the
   *     registry's own key is always trusted
   */
  public record Signing(
      @DefaultValue("registry-data/signing-key.pem") Path keyFile,
      @DefaultValue List<String> trustedKeys) {}

  /**
   * API tokens.
   *
   * @param tokens the admin, operator and viewer tokens
   * @param cacheTtl how long a device token and a device's right to download an artefact are
   *     remembered; a revocation takes effect at once on the instance that revokes and within this
   *     time on others (0: ask PostgreSQL every time)
   */
  public record Security(@DefaultValue List<ApiToken> tokens, @DefaultValue("10s") Duration cacheTtl) {

    /** Checks the cache time. */
    public Security {
      if (cacheTtl.isNegative()) {
        throw new IllegalArgumentException("driftline.registry.security.cache-ttl must be >= 0, got " + cacheTtl);
      }
    }
  }

  /**
   * One API token. Give its SHA-256 ({@code sha256}, 64 hex digits) rather than the token itself;
   * {@code token} (plain) is accepted for development and hashed at start.
   *
   * @param name who holds it (written to the audit log; never the token)
   * @param role what it may do
   * @param sha256 hex SHA-256 of the token
   * @param token the token itself
   */
  public record ApiToken(String name, Role role, @Nullable String sha256, @Nullable String token) {}

  /**
   * The telemetry history: windows read from {@code device.telemetry} and kept per device.
   *
   * @param enabled whether the registry consumes telemetry at all
   * @param topic the topic of {@code TelemetryWindow}s (poison records go to {@code <topic>-dlt})
   * @param groupId the consumer group
   * @param keepPerDevice how many of a device's newest windows are kept (older ones are deleted)
   * @param staleAfter a device whose newest window ended longer ago than this is shown as stale
   * @param maxPollRecords records per poll, i.e. per database transaction
   * @param retryInterval pause between attempts when the database cannot be written
   * @param deadLetterPartitions partitions of the dead-letter topic when the registry declares it;
   *     at least those of the telemetry topic (the recoverer keeps the source partition)
   */
  public record Telemetry(
      @DefaultValue("true") boolean enabled,
      @DefaultValue(Topics.DEVICE_TELEMETRY) String topic,
      @DefaultValue("model-registry-telemetry") String groupId,
      @DefaultValue("720") int keepPerDevice,
      @DefaultValue("5m") Duration staleAfter,
      @DefaultValue("500") int maxPollRecords,
      @DefaultValue("1s") Duration retryInterval,
      @DefaultValue("6") int deadLetterPartitions) {

    /** Checks the sizes. */
    public Telemetry {
      if (keepPerDevice < 1) {
        throw new IllegalArgumentException("driftline.registry.telemetry.keep-per-device must be >= 1, got " + keepPerDevice);
      }
      if (maxPollRecords < 1) {
        throw new IllegalArgumentException("driftline.registry.telemetry.max-poll-records must be >= 1, got " + maxPollRecords);
      }
    }
  }

  /**
   * The admin console's proxy ({@code /console/api/teacher/**}, {@code /console/api/catalog/**}).
   *
   * @param teacherUrl base URL of the cloud teacher (empty: not configured)
   * @param teacherToken the API token the registry sends to the teacher (an OPERATOR token lets
   *     console operators retry jobs; the registry still checks the console user's own role first)
   * @param catalogUrl base URL of the semantic catalog (empty: not configured)
   * @param connectTimeout how long to wait for a connection to either service
   * @param timeout how long a proxied call may take in all
   */
  public record Console(
      @DefaultValue("") String teacherUrl,
      @DefaultValue("") String teacherToken,
      @DefaultValue("") String catalogUrl,
      @DefaultValue("2s") Duration connectTimeout,
      @DefaultValue("10s") Duration timeout) {}
}
