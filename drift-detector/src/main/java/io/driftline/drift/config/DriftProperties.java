package io.driftline.drift.config;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Settings of the drift detector ({@code driftline.drift.*}); see docs/drift-detector.md for what
 * each one trades off.
 *
 * @param topics the topics read and written, and how they are declared
 * @param detection the change detectors and their confirmation
 * @param lifecycle when an incident counts as recovered or failed
 * @param cohorting how incidents of different devices are grouped
 */
@ConfigurationProperties(DriftProperties.PREFIX)
public record DriftProperties(
    @DefaultValue Topics topics,
    @DefaultValue Detection detection,
    @DefaultValue Lifecycle lifecycle,
    @DefaultValue Cohorting cohorting) {

  /** The prefix of every property. */
  public static final String PREFIX = "driftline.drift";

  /** Returns the defaults, as Spring would bind them from an empty environment. */
  public static DriftProperties defaults() {
    return of(Map.of());
  }

  /**
   * Binds the given properties (names without the {@value #PREFIX} prefix, e.g.
   * {@code detection.ph-lambda}) over the defaults.
   */
  public static DriftProperties of(Map<String, String> properties) {
    MapConfigurationPropertySource source = new MapConfigurationPropertySource();
    properties.forEach((name, value) -> source.put(PREFIX + "." + name, value));
    return new Binder(source).bindOrCreate(PREFIX, DriftProperties.class);
  }

  /**
   * The topics. {@code telemetry} and {@code incidents} must have the same number of partitions,
   * because one task keeps a device's state and reads both (the teacher's incident updates too).
   *
   * @param telemetry the input, {@code device.telemetry}
   * @param incidents the output, {@code drift.incidents}; also read back for the teacher's updates
   * @param partitions partitions of both topics (and their dead-letter topics) when the service declares them
   * @param replicas replication factor of the declared topics and of the Streams internal topics
   */
  public record Topics(
      @DefaultValue(io.driftline.core.events.Topics.DEVICE_TELEMETRY) String telemetry,
      @DefaultValue(io.driftline.core.events.Topics.DRIFT_INCIDENTS) String incidents,
      @DefaultValue("6") int partitions,
      @DefaultValue("1") short replicas) {

    /** Checks the values. */
    public Topics {
      if (telemetry.isBlank() || incidents.isBlank() || telemetry.equals(incidents)) {
        throw new IllegalArgumentException("driftline.drift.topics.telemetry and .incidents must be two "
            + "different non-blank names, got '" + telemetry + "' and '" + incidents + "'");
      }
      positive(partitions, "topics.partitions");
      positive(replicas, "topics.replicas");
    }

    /** The dead-letter topic of the telemetry input. */
    public String telemetryDeadLetter() {
      return io.driftline.core.events.Topics.deadLetter(telemetry);
    }

    /** The dead-letter topic of the incident input. */
    public String incidentsDeadLetter() {
      return io.driftline.core.events.Topics.deadLetter(incidents);
    }
  }

  /**
   * The change detectors. Each monitored window statistic is standardised against the baseline of
   * the current regime (its mean and standard deviation over the first {@code warmupWindows}
   * windows) and fed to a Page-Hinkley test and to ADWIN; the first alarm is confirmed by a
   * Kolmogorov-Smirnov test of the windows after the estimated change against those before it.
   *
   * @param warmupWindows windows that set a regime's baseline; no detection before (>= 4)
   * @param historyWindows windows kept per device (the ADWIN window and the KS samples; >= 8)
   * @param phDelta Page-Hinkley tolerance, in baseline standard deviations
   * @param phLambda Page-Hinkley alarm threshold, in baseline standard deviations
   * @param adwinDelta ADWIN confidence, in (0, 1): smaller is more conservative
   * @param adwinMinSide fewest windows on each side of an ADWIN split
   * @param ksAlpha significance level of the confirming KS test, in (0, 1)
   * @param ksMinPost fewest windows after the change before the KS test may confirm
   * @param ksMinReference fewest windows before the change the KS test compares against
   * @param confirmWindows windows after an alarm within which the KS test must confirm it, or it is dropped
   * @param homeTolerance how close (in home standard deviations) counts as "at the home baseline"
   * @param domainSimilarity Hamming similarity of two domain signatures above which they are one domain
   * @param minStd floor of a baseline standard deviation, so a constant statistic cannot divide by zero
   */
  public record Detection(
      @DefaultValue("16") int warmupWindows,
      @DefaultValue("32") int historyWindows,
      @DefaultValue("0.5") double phDelta,
      @DefaultValue("12") double phLambda,
      @DefaultValue("0.001") double adwinDelta,
      @DefaultValue("2") int adwinMinSide,
      @DefaultValue("0.001") double ksAlpha,
      @DefaultValue("3") int ksMinPost,
      @DefaultValue("8") int ksMinReference,
      @DefaultValue("6") int confirmWindows,
      @DefaultValue("4") double homeTolerance,
      @DefaultValue("0.9") double domainSimilarity,
      @DefaultValue("0.0001") double minStd) {

    /** Checks the values; messages name the property. */
    public Detection {
      if (warmupWindows < 4) {
        throw new IllegalArgumentException(PREFIX + ".detection.warmup-windows must be >= 4, got " + warmupWindows);
      }
      if (historyWindows < 8) {
        throw new IllegalArgumentException(PREFIX + ".detection.history-windows must be >= 8, got " + historyWindows);
      }
      nonNegative(phDelta, "detection.ph-delta");
      positive(phLambda, "detection.ph-lambda");
      open01(adwinDelta, "detection.adwin-delta");
      positive(adwinMinSide, "detection.adwin-min-side");
      open01(ksAlpha, "detection.ks-alpha");
      positive(ksMinPost, "detection.ks-min-post");
      positive(ksMinReference, "detection.ks-min-reference");
      positive(confirmWindows, "detection.confirm-windows");
      positive(homeTolerance, "detection.home-tolerance");
      open01(domainSimilarity, "detection.domain-similarity");
      positive(minStd, "detection.min-std");
      if (ksMinReference + ksMinPost > historyWindows) {
        throw new IllegalArgumentException(PREFIX + ".detection.ks-min-reference + ks-min-post ("
            + (ksMinReference + ksMinPost) + ") must fit in " + PREFIX + ".detection.history-windows (" + historyWindows + ")");
      }
    }
  }

  /**
   * The incident life cycle after an incident opened.
   *
   * @param recoveryWindows consecutive windows at baseline (with a new bundle active) that make an incident recovered
   * @param recoveryFraction share of the way from the incident's level back to the home baseline
   *     that counts as "at baseline", in (0, 1]
   * @param recoveryDeadlineWindows windows after a new bundle became active by which it must have recovered, or it failed
   * @param adaptationTimeoutWindows windows after opening by which an incident must have recovered, or it failed
   */
  public record Lifecycle(
      @DefaultValue("3") int recoveryWindows,
      @DefaultValue("0.8") double recoveryFraction,
      @DefaultValue("60") int recoveryDeadlineWindows,
      @DefaultValue("720") int adaptationTimeoutWindows) {

    /** Checks the values; messages name the property. */
    public Lifecycle {
      positive(recoveryWindows, "lifecycle.recovery-windows");
      if (!(recoveryFraction > 0 && recoveryFraction <= 1)) {
        throw new IllegalArgumentException(PREFIX + ".lifecycle.recovery-fraction must be in (0, 1], got " + recoveryFraction);
      }
      positive(recoveryDeadlineWindows, "lifecycle.recovery-deadline-windows");
      positive(adaptationTimeoutWindows, "lifecycle.adaptation-timeout-windows");
    }
  }

  /**
   * Grouping of incidents across devices.
   *
   * @param similarity Hamming similarity of domain signatures above which two incidents join one group
   * @param span how far apart the openings of two incidents may be to join one group
   */
  public record Cohorting(
      @DefaultValue("0.85") double similarity,
      @DefaultValue("PT1H") Duration span) {

    /** Checks the values; messages name the property. */
    public Cohorting {
      open01(similarity, "cohorting.similarity");
      if (span.isNegative() || span.isZero()) {
        throw new IllegalArgumentException(PREFIX + ".cohorting.span must be positive, got " + span);
      }
    }
  }

  private static void positive(double value, String name) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(PREFIX + "." + name + " must be > 0, got " + value);
    }
  }

  private static void nonNegative(double value, String name) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(PREFIX + "." + name + " must be >= 0, got " + value);
    }
  }

  private static void open01(double value, String name) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(PREFIX + "." + name + " must be in (0, 1), got " + value);
    }
  }
}
