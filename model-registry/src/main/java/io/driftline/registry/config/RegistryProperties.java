package io.driftline.registry.config;

import static io.driftline.core.config.PropertyChecks.atLeast;
import static io.driftline.core.config.PropertyChecks.httpUrl;
import static io.driftline.core.config.PropertyChecks.nonNegative;
import static io.driftline.core.config.PropertyChecks.notBlank;
import static io.driftline.core.config.PropertyChecks.positive;
import static io.driftline.core.config.PropertyChecks.require;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.events.Topics;
import io.driftline.registry.security.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
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
@ConfigurationProperties(RegistryProperties.PREFIX)
public record RegistryProperties(
    @DefaultValue Artefacts artefacts,
    @DefaultValue Outbox outbox,
    @DefaultValue TopicNames topics,
    @DefaultValue Signing signing,
    @DefaultValue Security security,
    @DefaultValue("") String publicBaseUrl,
    @DefaultValue Telemetry telemetry,
    @DefaultValue Console console) {

  /** The prefix of every property. */
  public static final String PREFIX = "driftline.registry";

  /** Checks the values that are not inside a group; messages name the property. */
  public RegistryProperties {
    httpUrl(publicBaseUrl, PREFIX + ".public-base-url", true);
  }

  /**
   * Artefact storage.
   *
   * @param directory the content-addressed blob folder (created if absent)
   * @param maxSize the largest artefact accepted; larger uploads get 413
   */
  public record Artefacts(
      @DefaultValue("registry-data/blobs") Path directory,
      @DefaultValue("256MB") DataSize maxSize) {

    /** Checks the size. */
    public Artefacts {
      atLeast(maxSize.toBytes(), 1, PREFIX + ".artefacts.max-size");
    }
  }

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
      @DefaultValue("30s") Duration sendTimeout) {

    /** Checks the values; messages name the property. */
    public Outbox {
      positive(pollInterval, PREFIX + ".outbox.poll-interval");
      positive(batchSize, PREFIX + ".outbox.batch-size");
      positive(sendTimeout, PREFIX + ".outbox.send-timeout");
    }
  }

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
      @DefaultValue("1") short replicas) {

    /** Checks the values; messages name the property. */
    public TopicNames {
      notBlank(registryEvents, PREFIX + ".topics.registry-events");
      notBlank(desiredState, PREFIX + ".topics.desired-state");
      require(!registryEvents.equals(desiredState), PREFIX + ".topics.registry-events and .desired-state must be "
          + "two different topics, both were '" + registryEvents + "'");
      positive(partitions, PREFIX + ".topics.partitions");
      positive(replicas, PREFIX + ".topics.replicas");
    }
  }

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
      @DefaultValue List<String> trustedKeys) {

    /** Checks that every trusted key is an Ed25519 public key, so a typo fails the start, not an upload. */
    public Signing {
      for (int i = 0; i < trustedKeys.size(); i++) {
        try {
          Ed25519Keys.parsePublicKey(trustedKeys.get(i));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(PREFIX + ".signing.trusted-keys[" + i + "] must be an Ed25519 public "
              + "key (PEM, or base64 of its 32 raw bytes): " + e.getMessage());
        }
      }
    }
  }

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
      nonNegative(cacheTtl, PREFIX + ".security.cache-ttl");
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
  public record ApiToken(@Nullable String name, @Nullable Role role, @Nullable String sha256, @Nullable String token) {

    private static final String TOKENS = PREFIX + ".security.tokens";

    /**
     * Checks that the token has a name, a role an API token may have, and either a well-formed
     * {@code sha256} or a {@code token}; messages never include the token or its hash.
     */
    public ApiToken {
      require(name != null && !name.isBlank(), TOKENS + "[].name is required for every API token");
      require(role != null, TOKENS + "[].role is required for API token '" + name + "' (one of ADMIN, OPERATOR, VIEWER)");
      require(role != Role.DEVICE, TOKENS + "[].role of API token '" + name
          + "' is DEVICE; device tokens are issued at enrolment (use ADMIN, OPERATOR or VIEWER)");
      boolean hashed = sha256 != null && !sha256.isBlank();
      require(hashed || token != null && !token.isBlank(),
          TOKENS + "[] API token '" + name + "' needs sha256 (or token)");
      require(!hashed || sha256.trim().length() == 64 && sha256.trim().chars().allMatch(HexFormat::isHexDigit),
          TOKENS + "[].sha256 of API token '" + name + "' must be 64 hex digits (the SHA-256 of the token)");
    }
  }

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

    /** Checks the values; messages name the property. */
    public Telemetry {
      notBlank(topic, PREFIX + ".telemetry.topic");
      notBlank(groupId, PREFIX + ".telemetry.group-id");
      positive(keepPerDevice, PREFIX + ".telemetry.keep-per-device");
      positive(staleAfter, PREFIX + ".telemetry.stale-after");
      positive(maxPollRecords, PREFIX + ".telemetry.max-poll-records");
      positive(retryInterval, PREFIX + ".telemetry.retry-interval");
      positive(deadLetterPartitions, PREFIX + ".telemetry.dead-letter-partitions");
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
      @DefaultValue("10s") Duration timeout) {

    /** Checks the URLs and timeouts; messages name the property. */
    public Console {
      httpUrl(teacherUrl, PREFIX + ".console.teacher-url", true);
      httpUrl(catalogUrl, PREFIX + ".console.catalog-url", true);
      positive(connectTimeout, PREFIX + ".console.connect-timeout");
      positive(timeout, PREFIX + ".console.timeout");
    }
  }
}
