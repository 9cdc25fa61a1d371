package io.driftline.agent.config;

import static io.driftline.core.config.PropertyChecks.atLeast;
import static io.driftline.core.config.PropertyChecks.finite;
import static io.driftline.core.config.PropertyChecks.httpUrl;
import static io.driftline.core.config.PropertyChecks.notBlank;
import static io.driftline.core.config.PropertyChecks.positive;
import static io.driftline.core.config.PropertyChecks.require;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.sampling.SamplingPolicy;
import io.driftline.core.update.Precision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Holds every setting of the device agent ({@code driftline.agent.*}); each nested record checks
 * its own fields and names the property that is wrong, so bad configuration stops the agent at
 * startup with a message the operator can act on.
 *
 * @param dataDir folder of the agent's state: identity, pinned key, bundles, offline queue, status
 * @param deviceId device id to use without enrolment (with {@code registry.url} empty)
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param registry the model registry and enrolment
 * @param student the ONNX student
 * @param source where frames come from
 * @param upload upload budgets and telemetry windows
 * @param queue the offline queue
 * @param hdc HDC encoding, routing and OOD scoring
 * @param memoryBudgetBytes most bytes the installed domain adaptors may take
 * @param topics topic names
 */
@ConfigurationProperties("driftline.agent")
public record AgentProperties(
    @DefaultValue("agent-data") Path dataDir,
    @Nullable String deviceId,
    @DefaultValue("localhost:9092") String kafkaBootstrap,
    @DefaultValue Registry registry,
    @DefaultValue Student student,
    @DefaultValue Source source,
    @DefaultValue Upload upload,
    @DefaultValue Queue queue,
    @DefaultValue Hdc hdc,
    @DefaultValue("262144") long memoryBudgetBytes,
    @DefaultValue Topics topics) {

  /** Checks the cross-field rules. */
  public AgentProperties {
    require(!kafkaBootstrap.isBlank(), "driftline.agent.kafka-bootstrap must not be empty");
    require(memoryBudgetBytes >= 0, "driftline.agent.memory-budget-bytes must be >= 0, was " + memoryBudgetBytes);
    if (registry.url().isBlank()) {
      require(deviceId != null && !deviceId.isBlank(),
          "driftline.agent.device-id is required when driftline.agent.registry.url is empty (no enrolment)");
    }
    if (deviceId != null) {
      require(deviceId.matches("[A-Za-z0-9._:-]{1,200}"),
          "driftline.agent.device-id '" + deviceId + "' may hold only letters, digits and . _ : -");
    }
  }

  /**
   * The model registry.
   *
   * @param url base URL, e.g. {@code http://registry:8084}; empty runs without registry (no updates)
   * @param enrolmentToken operator token used once, at first start, to enrol
   * @param signingKey the registry's public key (PEM or raw base64) to pin; empty: fetched once at enrolment
   * @param enrolment the description sent at enrolment
   * @param requestTimeout timeout of each registry request
   */
  public record Registry(
      @DefaultValue("") String url,
      @DefaultValue("") String enrolmentToken,
      @DefaultValue("") String signingKey,
      @DefaultValue Enrolment enrolment,
      @DefaultValue("30s") Duration requestTimeout) {

    /** Checks the URL, the pinned key and the timeout. */
    public Registry {
      httpUrl(url, "driftline.agent.registry.url", true);
      url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      if (!signingKey.isBlank()) {
        try {
          Ed25519Keys.parsePublicKey(signingKey);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("driftline.agent.registry.signing-key must be an Ed25519 public key (PEM, "
              + "or base64 of its 32 raw bytes): " + e.getMessage());
        }
      }
      positive(requestTimeout, "driftline.agent.registry.request-timeout");
    }
  }

  /**
   * What the device tells the registry about itself at enrolment.
   *
   * @param deviceClass device class, e.g. {@code mcu}
   * @param student the student it runs, {@code name:version} of a registered student
   * @param precisions precisions it can run
   * @param ramBytes RAM
   * @param flashBytes flash
   * @param macsPerSecond compute
   * @param labels labels such as {@code domain}
   */
  public record Enrolment(
      @DefaultValue("generic") String deviceClass,
      @DefaultValue("") String student,
      @DefaultValue({"FP32", "INT8"}) List<String> precisions,
      @DefaultValue("67108864") long ramBytes,
      @DefaultValue("134217728") long flashBytes,
      @DefaultValue("100000000") long macsPerSecond,
      @DefaultValue Map<String, String> labels) {

    /** Checks the description the registry would otherwise refuse at enrolment. */
    public Enrolment {
      notBlank(deviceClass, "driftline.agent.registry.enrolment.device-class");
      require(!precisions.isEmpty(), "driftline.agent.registry.enrolment.precisions must name at least one of "
          + List.of(Precision.values()));
      for (String precision : precisions) {
        require(Arrays.stream(Precision.values()).anyMatch(p -> p.name().equals(precision)),
            "driftline.agent.registry.enrolment.precisions must be among " + List.of(Precision.values())
                + ", was '" + precision + "'");
      }
      atLeast(ramBytes, 1, "driftline.agent.registry.enrolment.ram-bytes");
      atLeast(flashBytes, 1, "driftline.agent.registry.enrolment.flash-bytes");
      atLeast(macsPerSecond, 1, "driftline.agent.registry.enrolment.macs-per-second");
    }
  }

  /**
   * The ONNX student.
   *
   * @param model path of the student ONNX file (any file with the student signature)
   * @param intraOpThreads threads of one inference (1 = one core)
   */
  public record Student(@Nullable Path model, @DefaultValue("1") int intraOpThreads) {

    /** Checks the thread count (a missing model file is named when the agent opens it). */
    public Student {
      require(intraOpThreads >= 1, "driftline.agent.student.intra-op-threads must be >= 1, was " + intraOpThreads);
    }
  }

  /** Kinds of frame source. */
  public enum SourceType {
    /** A scenario stream from adaptation-core, with ground truth. */
    SCENARIO,
    /** New image files in a watched folder. */
    FOLDER,
    /** An IDX image file (and optional label file), replayed. */
    IDX;

    static SourceType parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("driftline.agent.source.type must be one of scenario, folder, idx; was '"
            + text + "'");
      }
    }
  }

  /**
   * The frame source.
   *
   * @param type {@code scenario}, {@code folder} or {@code idx}
   * @param path scenario file (empty: the default scenario), watched folder, or IDX image file
   * @param labels IDX label file (optional)
   * @param framesPerSecond nominal frame rate: paces the loop and sets window durations (0 = as fast as possible, wall clock)
   * @param loop whether an IDX replay starts over at the end
   * @param pollInterval how often the watched folder is listed
   */
  public record Source(
      @DefaultValue("scenario") String type,
      @DefaultValue("") String path,
      @DefaultValue("") String labels,
      @DefaultValue("0") double framesPerSecond,
      @DefaultValue("false") boolean loop,
      @DefaultValue("200ms") Duration pollInterval) {

    /** Checks type and rate. */
    public Source {
      SourceType.parse(type);
      require(framesPerSecond >= 0 && Double.isFinite(framesPerSecond),
          "driftline.agent.source.frames-per-second must be a finite number >= 0, was " + framesPerSecond);
      positive(pollInterval, "driftline.agent.source.poll-interval");
      if (!SourceType.SCENARIO.name().equalsIgnoreCase(type.trim())) {
        require(!path.isBlank(), "driftline.agent.source.path is required for source type " + type);
      }
    }

    /** The parsed source type. */
    public SourceType sourceType() {
      return SourceType.parse(type);
    }
  }

  /**
   * Upload budgets and windows.
   *
   * @param windowFrames frames per telemetry window (the sampler chooses per window)
   * @param maxFrameFraction most frames a window may upload, as a fraction
   * @param maxBytesPerSecond upload byte rate
   * @param maxCarryOverSeconds unused budget carried over, in seconds of the rate
   * @param minScore lowest UGS score worth uploading
   * @param includeFeatures whether uploaded samples carry the student features
   */
  public record Upload(
      @DefaultValue("100") int windowFrames,
      @DefaultValue("0.05") double maxFrameFraction,
      @DefaultValue("32768") double maxBytesPerSecond,
      @DefaultValue("10") double maxCarryOverSeconds,
      @DefaultValue("0.1") double minScore,
      @DefaultValue("true") boolean includeFeatures) {

    /** Checks the ranges. */
    public Upload {
      require(windowFrames >= 1, "driftline.agent.upload.window-frames must be >= 1, was " + windowFrames);
      require(maxFrameFraction >= 0 && maxFrameFraction <= 1,
          "driftline.agent.upload.max-frame-fraction must be in [0,1], was " + maxFrameFraction);
      require(maxBytesPerSecond >= 0 && Double.isFinite(maxBytesPerSecond),
          "driftline.agent.upload.max-bytes-per-second must be a finite number >= 0, was " + maxBytesPerSecond);
      require(maxCarryOverSeconds >= 0 && Double.isFinite(maxCarryOverSeconds),
          "driftline.agent.upload.max-carry-over-seconds must be a finite number >= 0, was " + maxCarryOverSeconds);
      finite(minScore, "driftline.agent.upload.min-score");
    }

    /** The uncertainty-guided sampler's policy of these budgets. */
    public SamplingPolicy samplingPolicy() {
      return SamplingPolicy.builder()
          .optMaxFrameFraction(maxFrameFraction)
          .optMaxBytesPerSecond(maxBytesPerSecond)
          .optMaxCarryOverSeconds(maxCarryOverSeconds)
          .optMinScore(minScore)
          .build();
    }
  }

  /**
   * The bounded on-disk offline queue.
   *
   * @param maxRecords most records it holds; beyond, the oldest is dropped and counted
   * @param maxBytes most bytes it holds; beyond, the oldest is dropped and counted
   * @param sendTimeout how long the producer may try one record before the agent counts the broker as down
   */
  public record Queue(
      @DefaultValue("10000") int maxRecords,
      @DefaultValue("67108864") long maxBytes,
      @DefaultValue("10s") Duration sendTimeout) {

    /** Checks the bounds. */
    public Queue {
      require(maxRecords >= 1, "driftline.agent.queue.max-records must be >= 1, was " + maxRecords);
      require(maxBytes >= 1024, "driftline.agent.queue.max-bytes must be >= 1024, was " + maxBytes);
      positive(sendTimeout, "driftline.agent.queue.send-timeout");
    }
  }

  /**
   * HDC settings.
   *
   * @param dimension hypervector bits when the bundle brings no encoder of its own
   * @param routingThreshold least similarity for a frame to go to a domain adaptor
   * @param oodWarmupFrames frames whose confident predictions build the class prototypes the OOD score uses
   */
  public record Hdc(
      @DefaultValue("1024") int dimension,
      @DefaultValue("0.6") double routingThreshold,
      @DefaultValue("500") int oodWarmupFrames) {

    /** Checks the ranges. */
    public Hdc {
      require(dimension >= 64 && dimension <= Hypervector.MAX_DIMENSION, "driftline.agent.hdc.dimension must be in [64, "
          + Hypervector.MAX_DIMENSION + "], was " + dimension);
      atLeast(oodWarmupFrames, 0, "driftline.agent.hdc.ood-warmup-frames");
      require(routingThreshold >= 0 && routingThreshold <= 1,
          "driftline.agent.hdc.routing-threshold must be in [0,1], was " + routingThreshold);
    }
  }

  /**
   * Topic names (defaults from {@link io.driftline.core.events.Topics}).
   *
   * @param samples samples topic
   * @param telemetry telemetry topic
   * @param desiredState desired-state topic
   */
  public record Topics(
      @DefaultValue(io.driftline.core.events.Topics.DEVICE_SAMPLES) String samples,
      @DefaultValue(io.driftline.core.events.Topics.DEVICE_TELEMETRY) String telemetry,
      @DefaultValue(io.driftline.core.events.Topics.FLEET_DESIRED_STATE) String desiredState) {

    /** Checks that the names are set. */
    public Topics {
      notBlank(samples, "driftline.agent.topics.samples");
      notBlank(telemetry, "driftline.agent.topics.telemetry");
      notBlank(desiredState, "driftline.agent.topics.desired-state");
    }
  }
}
