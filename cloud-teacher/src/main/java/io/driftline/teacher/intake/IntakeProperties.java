package io.driftline.teacher.intake;

import io.driftline.core.config.PropertyChecks;
import io.driftline.core.events.Topics;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the teacher's intake ({@code driftline.teacher.intake.*}).
 *
 * @param samplesTopic topic of uploaded samples
 * @param incidentsTopic topic of drift incidents
 * @param groupId consumer group of both listeners
 * @param declareTopics whether the service declares the samples topic and both dead-letter topics
 * @param partitions partitions of the declared topics (the dead-letter topics get as many)
 * @param replicas replication factor of the declared topics
 * @param maxPollRecords most records one poll, and so one database insert, takes
 * @param concurrency consumer threads of the samples listener
 * @param maxPixelBytes most pixel bytes a sample may carry (default 3x512x512); larger ones are dead-lettered
 * @param retryInterval pause before a poll whose database write failed is retried (it is retried until it succeeds)
 * @param retention how long samples are kept after they were received
 * @param retentionInterval how often samples older than {@code retention} are deleted
 */
@ConfigurationProperties("driftline.teacher.intake")
public record IntakeProperties(
    @DefaultValue(Topics.DEVICE_SAMPLES) String samplesTopic,
    @DefaultValue(Topics.DRIFT_INCIDENTS) String incidentsTopic,
    @DefaultValue("cloud-teacher") String groupId,
    @DefaultValue("true") boolean declareTopics,
    @DefaultValue("6") int partitions,
    @DefaultValue("1") short replicas,
    @DefaultValue("1000") int maxPollRecords,
    @DefaultValue("1") int concurrency,
    @DefaultValue("786432") int maxPixelBytes,
    @DefaultValue("1s") Duration retryInterval,
    @DefaultValue("7d") Duration retention,
    @DefaultValue("10m") Duration retentionInterval) {

  /** Checks the values; messages name the property. */
  public IntakeProperties {
    positive(partitions, "partitions");
    positive(replicas, "replicas");
    positive(maxPollRecords, "max-poll-records");
    positive(concurrency, "concurrency");
    positive(maxPixelBytes, "max-pixel-bytes");
    if (samplesTopic.isBlank() || incidentsTopic.isBlank() || groupId.isBlank()) {
      throw new IllegalArgumentException(
          "driftline.teacher.intake.samples-topic, incidents-topic and group-id must not be blank");
    }
    PropertyChecks.positive(retryInterval, "driftline.teacher.intake.retry-interval");
    if (retention.isNegative() || retention.isZero() || retentionInterval.isNegative() || retentionInterval.isZero()) {
      throw new IllegalArgumentException("driftline.teacher.intake.retention and retention-interval must be positive, were "
          + retention + " and " + retentionInterval);
    }
  }

  private static void positive(long value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException("driftline.teacher.intake." + name + " must be >= 1, was " + value);
    }
  }
}
