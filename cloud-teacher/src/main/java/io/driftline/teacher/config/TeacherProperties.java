package io.driftline.teacher.config;

import static io.driftline.core.config.PropertyChecks.atLeast;
import static io.driftline.core.config.PropertyChecks.httpUrl;
import static io.driftline.core.config.PropertyChecks.inRange;
import static io.driftline.core.config.PropertyChecks.nonNegative;
import static io.driftline.core.config.PropertyChecks.positive;
import static io.driftline.core.config.PropertyChecks.require;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the cloud-teacher service ({@code driftline.teacher.*}); intake settings are in
 * {@code io.driftline.teacher.intake.IntakeProperties}.
 *
 * @param registry where the model registry is and the operator token the teacher uses
 * @param catalog where the semantic catalog is
 * @param models which teacher model (a registry version) labels the samples
 * @param source labelled home-domain samples for the gate and the raw-frame routing
 * @param signing the teacher's Ed25519 key, which the registry must trust for bundle uploads
 * @param jobs the job queue and worker pool
 * @param gate the no-regression gate every variant must pass
 * @param pipeline adaptation settings
 * @param security API tokens for the REST API
 */
@ConfigurationProperties(TeacherProperties.PREFIX)
public record TeacherProperties(
    @DefaultValue Registry registry,
    @DefaultValue Catalog catalog,
    @DefaultValue Models models,
    @DefaultValue Source source,
    @DefaultValue Signing signing,
    @DefaultValue Jobs jobs,
    @DefaultValue Gate gate,
    @DefaultValue Pipeline pipeline,
    @DefaultValue Security security) {

  /** The prefix of every property. */
  public static final String PREFIX = "driftline.teacher";

  /**
   * The model registry.
   *
   * @param url base URL, e.g. {@code http://localhost:8084}
   * @param token an operator token of the registry (never logged)
   * @param timeout per request
   */
  public record Registry(
      @DefaultValue("http://localhost:8084") String url,
      @DefaultValue("") String token,
      @DefaultValue("30s") Duration timeout) {

    /** Checks the URL and timeout; messages name the property. */
    public Registry {
      httpUrl(url, PREFIX + ".registry.url", false);
      positive(timeout, PREFIX + ".registry.timeout");
    }
  }

  /**
   * The semantic catalog.
   *
   * @param url base URL, e.g. {@code http://localhost:8085}
   * @param timeout per request
   */
  public record Catalog(
      @DefaultValue("http://localhost:8085") String url,
      @DefaultValue("10s") Duration timeout) {

    /** Checks the URL and timeout; messages name the property. */
    public Catalog {
      httpUrl(url, PREFIX + ".catalog.url", false);
      positive(timeout, PREFIX + ".catalog.timeout");
    }
  }

  /**
   * Models.
   *
   * @param teacher the teacher model as a registry version {@code name:version} (kind teacher,
   *     its artefact the teacher's ONNX file)
   */
  public record Models(@DefaultValue("teacher:1") String teacher) {

    /** Checks the reference's form (the registry is asked whether it exists when a job needs it). */
    public Models {
      require(teacher.matches("\\S+:[1-9][0-9]{0,17}"), PREFIX + ".models.teacher must be name:version with a "
          + "version >= 1, e.g. teacher:1; was '" + teacher + "'");
    }
  }

  /**
   * Home-domain (source) samples: the gate checks that a bundle does not hurt them, and the
   * raw-frame routing is fitted on them.
   *
   * @param dataset an IDX folder ({@code t10k-*} files are used if present) or a class-per-folder
   *     image folder
   * @param samples how many to use (half fit the routing, half are held out for the gate)
   */
  public record Source(
      @DefaultValue("/usr/share/datasets/fashion-mnist") Path dataset,
      @DefaultValue("400") int samples) {

    /** Checks the sample count: half fit the routing, half are held out, so at least one of each. */
    public Source {
      atLeast(samples, 2, PREFIX + ".source.samples");
    }
  }

  /**
   * The teacher's signing key.
   *
   * @param keyFile Ed25519 private key (PEM), created with its public key ({@code <file>.pub}) on
   *     first start
   */
  public record Signing(@DefaultValue("teacher-data/signing-key.pem") Path keyFile) {}

  /**
   * The job queue.
   *
   * @param workers adaptation jobs run at once (each uses the DJL engine's threads)
   * @param maxQueued queued jobs at which incident intake pauses (back-pressure) until the queue
   *     drains below three quarters of it
   * @param settle how long a job waits after the last incident joined it before it starts, so that
   *     the other incidents of its cohort, which open within moments of each other, join it too
   * @param minSamples samples a job needs before it starts
   * @param collectFor how long a job waits for {@code minSamples} after it was queued; then it
   *     starts with what it has, if that is enough for the pipeline (2 per domain), else fails
   * @param maxSamplesPerDevice newest samples taken from one device, so a chatty device cannot crowd
   *     out the rest of its cohort
   * @param maxSamplesPerJob samples one job takes in all: a cohort of many devices gets a fair share
   *     per device (each device's newest), so a job's time does not grow with the size of its cohort
   * @param carriedDomains how many domains of earlier published jobs for the same devices a new
   *     bundle carries on (their retained samples train them again), so that a device does not
   *     forget a domain when it gets a bundle for another; 0 ships only the job's own domain
   * @param maxAttempts runs of one job before it fails (a crashed run counts)
   * @param staleAfter a running job whose heartbeat is older than this is taken over (its worker
   *     died)
   * @param poll how often idle workers look for work
   */
  public record Jobs(
      @DefaultValue("1") int workers,
      @DefaultValue("100") int maxQueued,
      @DefaultValue("2s") Duration settle,
      @DefaultValue("20") int minSamples,
      @DefaultValue("30s") Duration collectFor,
      @DefaultValue("500") int maxSamplesPerDevice,
      @DefaultValue("2000") int maxSamplesPerJob,
      @DefaultValue("3") int carriedDomains,
      @DefaultValue("3") int maxAttempts,
      @DefaultValue("60s") Duration staleAfter,
      @DefaultValue("500ms") Duration poll) {

    /** Checks the values; messages name the property. */
    public Jobs {
      positive(workers, PREFIX + ".jobs.workers");
      positive(maxQueued, PREFIX + ".jobs.max-queued");
      nonNegative(settle, PREFIX + ".jobs.settle");
      positive(minSamples, PREFIX + ".jobs.min-samples");
      nonNegative(collectFor, PREFIX + ".jobs.collect-for");
      positive(maxSamplesPerDevice, PREFIX + ".jobs.max-samples-per-device");
      require(maxSamplesPerJob >= 2, PREFIX + ".jobs.max-samples-per-job must be at least 2, was " + maxSamplesPerJob);
      atLeast(carriedDomains, 0, PREFIX + ".jobs.carried-domains");
      positive(maxAttempts, PREFIX + ".jobs.max-attempts");
      positive(staleAfter, PREFIX + ".jobs.stale-after");
      positive(poll, PREFIX + ".jobs.poll");
    }
  }

  /**
   * The no-regression gate.
   *
   * @param minGainPoints how many points the adapted student must gain on held-out pseudo-labelled
   *     uploads of its domain
   * @param maxSourceRegressionPoints how many points it may lose on home-domain samples (at most 1)
   * @param minHeldOut fewest held-out uploads of the domain the gain may rest on; with fewer the
   *     variant is rejected (a gain on a handful of samples is noise)
   */
  public record Gate(
      @DefaultValue("0") double minGainPoints,
      @DefaultValue("1") double maxSourceRegressionPoints,
      @DefaultValue("20") int minHeldOut) {

    /** Checks the thresholds the gate would otherwise refuse only when the first job runs. */
    public Gate {
      inRange(minGainPoints, 0, 100, PREFIX + ".gate.min-gain-points");
      inRange(maxSourceRegressionPoints, 0, 1, PREFIX + ".gate.max-source-regression-points");
      positive(minHeldOut, PREFIX + ".gate.min-held-out");
    }
  }

  /**
   * Adaptation settings (the rest are the pipeline's documented defaults).
   *
   * @param promptSteps optimisation steps of white-box prompt learning
   * @param heldOutFraction share of each domain's uploads kept out of training for the gate
   */
  public record Pipeline(
      @DefaultValue("150") int promptSteps,
      @DefaultValue("0.2") double heldOutFraction) {

    /** Checks the values; messages name the property. */
    public Pipeline {
      positive(promptSteps, PREFIX + ".pipeline.prompt-steps");
      require(heldOutFraction > 0 && heldOutFraction < 1, PREFIX + ".pipeline.held-out-fraction must be in (0, 1), "
          + "was " + heldOutFraction);
    }
  }

  /**
   * API tokens. With none configured the REST API refuses every call (401), except health and
   * metrics.
   *
   * @param tokens the tokens
   */
  public record Security(@DefaultValue List<Token> tokens) {}

  /**
   * One API token.
   *
   * @param name shown in logs instead of the token
   * @param role {@code VIEWER} reads, {@code OPERATOR} also triggers and retries jobs
   * @param sha256 hex SHA-256 of the token (preferred)
   * @param token the token itself (development)
   */
  public record Token(String name, Role role, @Nullable String sha256, @Nullable String token) {}

  /** What a token may do. */
  public enum Role {
    /** Reads jobs. */
    VIEWER,
    /** Reads, triggers and retries jobs. */
    OPERATOR
  }
}
