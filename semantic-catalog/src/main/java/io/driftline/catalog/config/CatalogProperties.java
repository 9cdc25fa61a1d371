package io.driftline.catalog.config;

import static io.driftline.core.config.PropertyChecks.atLeast;
import static io.driftline.core.config.PropertyChecks.notBlank;
import static io.driftline.core.config.PropertyChecks.positive;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the semantic catalog ({@code driftline.catalog.*}).
 *
 * @param dataset folder of the TDB2 dataset (created if missing)
 * @param sparql limits of the SPARQL endpoint
 * @param matchmaking matchmaking rules and limits
 * @param events the registry events consumer
 */
@ConfigurationProperties(CatalogProperties.PREFIX)
public record CatalogProperties(
    @DefaultValue("data/catalog-tdb2") Path dataset,
    @DefaultValue Sparql sparql,
    @DefaultValue Matchmaking matchmaking,
    @DefaultValue Events events) {

  /** The prefix of every property. */
  public static final String PREFIX = "driftline.catalog";

  /**
   * SPARQL endpoint limits.
   *
   * @param timeout how long one query may run
   * @param maxResults the most results one query returns
   */
  public record Sparql(@DefaultValue("5s") Duration timeout, @DefaultValue("10000") int maxResults) {

    /** Checks the limits; messages name the property. */
    public Sparql {
      positive(timeout, PREFIX + ".sparql.timeout");
      positive(maxResults, PREFIX + ".sparql.max-results");
    }
  }

  /**
   * Matchmaking settings.
   *
   * @param framesPerSecond frame rate a device must sustain: its MAC/s divided by this is its per-frame budget
   * @param maxDevicesListed the most device ids one artefact match lists (all are counted)
   */
  public record Matchmaking(@DefaultValue("10") double framesPerSecond,
      @DefaultValue("1000") int maxDevicesListed) {

    /** Checks the values; messages name the property. */
    public Matchmaking {
      positive(framesPerSecond, PREFIX + ".matchmaking.frames-per-second");
      positive(maxDevicesListed, PREFIX + ".matchmaking.max-devices-listed");
    }
  }

  /**
   * The {@code registry.events} consumer.
   *
   * @param enabled whether to consume at all
   * @param topic the topic to follow
   * @param groupId the consumer group
   * @param declareTopic whether this service declares the topic itself (the registry owns it; turn this
   *     off where the registry declares it with another partition count, which Kafka's admin would
   *     otherwise try to raise to {@code partitions})
   * @param partitions partitions of the topic (when declared here) and of its dead-letter topic, which
   *     must have at least as many as the topic
   * @param maxPollRecords records per poll, i.e. per TDB2 write transaction of the listener
   * @param retryInterval back-off between retries of a record that failed for a transient reason
   * @param retries retries before such a record goes to the dead-letter topic
   */
  public record Events(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("registry.events") String topic,
      @DefaultValue("semantic-catalog") String groupId,
      @DefaultValue("true") boolean declareTopic,
      @DefaultValue("6") int partitions,
      @DefaultValue("2000") int maxPollRecords,
      @DefaultValue("500ms") Duration retryInterval,
      @DefaultValue("2") int retries) {

    /** Checks the values; messages name the property. */
    public Events {
      notBlank(topic, PREFIX + ".events.topic");
      notBlank(groupId, PREFIX + ".events.group-id");
      positive(partitions, PREFIX + ".events.partitions");
      positive(maxPollRecords, PREFIX + ".events.max-poll-records");
      positive(retryInterval, PREFIX + ".events.retry-interval");
      atLeast(retries, 0, PREFIX + ".events.retries");
    }
  }
}
