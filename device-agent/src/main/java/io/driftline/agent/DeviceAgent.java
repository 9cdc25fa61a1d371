package io.driftline.agent;

import io.driftline.agent.config.AgentProperties;
import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.FrameResult;
import io.driftline.agent.pipeline.PipelineSnapshot;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.agent.queue.ReliableSender;
import io.driftline.agent.source.FolderWatchSource;
import io.driftline.agent.source.FrameSource;
import io.driftline.agent.source.IdxReplaySource;
import io.driftline.agent.source.ScenarioSource;
import io.driftline.agent.source.SourceFrame;
import io.driftline.agent.status.AgentStatus;
import io.driftline.agent.status.StatusFile;
import io.driftline.agent.update.BundleStore;
import io.driftline.agent.update.BundleUpdater;
import io.driftline.agent.update.DesiredStateWatcher;
import io.driftline.agent.update.DeviceIdentity;
import io.driftline.agent.update.RegistryClient;
import io.driftline.agent.upload.WindowUploader;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.model.StudentModel;
import io.driftline.core.sampling.SamplingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the device: loads identity, student and active bundle, then a frame thread that takes frames
 * from the source through the {@link FramePipeline} into the {@link WindowUploader}, which sends
 * samples and telemetry through the {@link ReliableSender}; a {@link DesiredStateWatcher} applies
 * updates meanwhile. {@link #start} and {@link #close} bracket its life.
 */
public final class DeviceAgent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DeviceAgent.class);
  /** Key of {@link AgentStatus#updates} counting records on the desired-state topic that were skipped. */
  public static final String SKIPPED_RECORDS = "SKIPPED_RECORDS";

  private final AgentProperties config;
  private final DeviceIdentity identity;
  private final StudentModel student;
  private final FramePipeline pipeline;
  private final SnapshotFactory snapshots;
  private final ReliableSender sender;
  private final WindowUploader uploader;
  private final FrameSource source;
  private final @Nullable BundleUpdater updater;
  private final @Nullable DesiredStateWatcher watcher;
  private final StatusFile statusFile;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong labelled = new AtomicLong();
  private final AtomicLong correct = new AtomicLong();
  private final AtomicLong sampleDropsReported = new AtomicLong();
  private final AtomicLong downloadedBytes = new AtomicLong();
  private final FrameObserver observer;
  private final Thread frameThread;
  private volatile boolean running;
  private volatile boolean sourceEnded;
  private volatile double recentFps;

  /** Builds the agent from its settings; enrols on first start. Nothing runs before {@link #start}. */
  public DeviceAgent(AgentProperties config) {
    this(config, null);
  }

  /** Builds the agent with a given frame source (tests, benchmarks), or the configured one if null. */
  public DeviceAgent(AgentProperties config, @Nullable FrameSource frameSource) {
    this(config, frameSource, (frame, result) -> { });
  }

  /**
   * Builds the agent with a given frame source (or the configured one if null) and an observer that
   * sees every frame and what the pipeline made of it (the sandbox's shadow student and report).
   */
  public DeviceAgent(AgentProperties config, @Nullable FrameSource frameSource, FrameObserver observer) {
    this.config = config;
    this.observer = observer;
    try {
      Files.createDirectories(config.dataDir());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create data folder " + config.dataDir() + ": " + e.getMessage(), e);
    }
    RegistryClient registry = config.registry().url().isBlank() ? null
        : new RegistryClient(config.registry().url(), config.registry().requestTimeout());
    Path model = config.student().model();
    if (model == null || !Files.isRegularFile(model)) {
      throw new IllegalStateException("driftline.agent.student.model must name an ONNX student file; "
          + (model == null ? "it is not set" : model + " does not exist"));
    }
    this.student = StudentModel.builder().setModel(model).optIntraOpThreads(config.student().intraOpThreads()).build();
    this.identity = DeviceIdentity.loadOrEnrol(config, registry, student.inputShape());
    this.snapshots = new SnapshotFactory(student.featureDimension(), config.hdc().dimension(),
        config.hdc().routingThreshold(), config.memoryBudgetBytes());
    this.pipeline = new FramePipeline(student, snapshots.bare(), config.hdc().oodWarmupFrames());
    this.sender = new ReliableSender(config.kafkaBootstrap(), "device-agent-" + identity.deviceId(),
        config.dataDir().resolve("queue"), config.queue().maxRecords(), config.queue().maxBytes(),
        config.queue().sendTimeout());
    AgentProperties.Upload u = config.upload();
    SamplingPolicy policy = u.samplingPolicy();
    String studentId = config.registry().enrolment().student().isBlank()
        ? model.getFileName().toString() : config.registry().enrolment().student();
    this.uploader = new WindowUploader(identity.deviceId(), studentId, u.windowFrames(),
        config.source().framesPerSecond(), u.includeFeatures(), policy, student.numClasses(), new Sink(),
        System::currentTimeMillis);
    this.source = frameSource != null ? frameSource : openSource(config, identity.deviceId(), student.inputShape()[0]);
    if (registry != null && identity.registryKey() != null && identity.token() != null) {
      String token = identity.token();
      this.updater = new BundleUpdater(identity.deviceId(), identity.registryKey(), new BundleStore(config.dataDir()),
          snapshots, pipeline, url -> {
            byte[] bytes = registry.download(url, token);
            downloadedBytes.addAndGet(bytes.length);
            return bytes;
          },
          (active, health) -> registry.report(identity.deviceId(), token, active, health));
      this.watcher = new DesiredStateWatcher(config.kafkaBootstrap(), config.topics().desiredState(),
          identity.deviceId(), updater);
    } else {
      this.updater = null;
      this.watcher = null;
    }
    this.statusFile = new StatusFile(config.dataDir());
    this.frameThread = new Thread(this::frameLoop, "agent-frames");
  }

  static FrameSource openSource(AgentProperties config, String deviceId, int channels) {
    AgentProperties.Source s = config.source();
    return switch (s.sourceType()) {
      case SCENARIO -> ScenarioSource.load(s.path().isBlank() ? null : Path.of(s.path()), deviceId);
      case FOLDER -> new FolderWatchSource(Path.of(s.path()), channels, s.pollInterval());
      case IDX -> new IdxReplaySource(Path.of(s.path()), s.labels().isBlank() ? null : Path.of(s.labels()), s.loop());
    };
  }

  /** Restores the active bundle, starts following desired states and starts the frame thread. */
  public void start() {
    running = true;
    if (updater != null) {
      updater.restore();
      updater.report();
    }
    if (watcher != null) {
      watcher.start();
    }
    frameThread.start();
    statusFile.write(status());
    log.info("device {} started: student {} ({} features), source {}, bundle {}", identity.deviceId(),
        config.student().model(), student.featureDimension(), source.describe(), activeBundleName());
  }

  private void frameLoop() {
    double fps = config.source().framesPerSecond();
    long periodNanos = fps > 0 ? (long) (1e9 / fps) : 0;
    long nextDue = System.nanoTime();
    long rateStart = System.nanoTime();
    long rateFrames = 0;
    long lastStatus = 0;
    try {
      while (running) {
        SourceFrame frame = source.next();
        if (frame == null) {
          sourceEnded = true;
          log.info("device {}: source {} ended after {} frames", identity.deviceId(), source.describe(), frames.get());
          break;
        }
        FrameResult result = pipeline.process(frame.image());
        uploader.accept(result);
        observer.processed(frame, result);
        frames.incrementAndGet();
        if (frame.hasLabel()) {
          labelled.incrementAndGet();
          if (frame.label() == result.predictedClass()) {
            correct.incrementAndGet();
          }
        }
        rateFrames++;
        long now = System.nanoTime();
        if (now - rateStart >= 1_000_000_000L) {
          recentFps = rateFrames * 1e9 / (now - rateStart);
          rateStart = now;
          rateFrames = 0;
        }
        if (now - lastStatus >= 1_000_000_000L) {
          statusFile.write(status());
          lastStatus = now;
        }
        if (periodNanos > 0) {
          nextDue += periodNanos;
          long wait = nextDue - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } else {
            nextDue = System.nanoTime();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("device {}: frame loop stopped: {}", identity.deviceId(), e.toString(), e);
    } finally {
      statusFile.write(status());
    }
  }

  /** Sees each frame after the pipeline processed it, on the frame thread (keep it quick). */
  @FunctionalInterface
  public interface FrameObserver {
    /** Called once per frame with the frame and the pipeline's result. */
    void processed(SourceFrame frame, FrameResult result);
  }

  private final class Sink implements WindowUploader.Sink {
    @Override
    public void sample(DeviceSample sample) {
      sender.send(config.topics().samples(), identity.deviceId(), sample);
    }

    @Override
    public void telemetry(TelemetryWindow window) {
      sender.send(config.topics().telemetry(), identity.deviceId(), window);
    }

    @Override
    public long takeBufferDrops() {
      long total = sender.dropped(config.topics().samples());
      return total - sampleDropsReported.getAndSet(total);
    }
  }

  /** The current status. */
  public AgentStatus status() {
    PipelineSnapshot s = pipeline.snapshot();
    Map<String, Long> delivered = new LinkedHashMap<>();
    Map<String, Long> dropped = new LinkedHashMap<>();
    for (String topic : new String[] {config.topics().samples(), config.topics().telemetry()}) {
      delivered.put(topic, sender.delivered(topic));
      dropped.put(topic, sender.dropped(topic));
    }
    Map<String, Long> updates = new LinkedHashMap<>();
    if (updater != null) {
      updater.outcomes().forEach((k, v) -> updates.put(k.name(), v));
    }
    if (watcher != null) {
      // records on the device's key that never became a desired state (unreadable, another device)
      updates.put(SKIPPED_RECORDS, watcher.skipped());
    }
    long withLabels = labelled.get();
    return new AgentStatus(identity.deviceId(), source.describe(), activeBundleName(), s.router().domains().size(),
        s.evictedDomains().size(), s.adaptorBytes(), config.memoryBudgetBytes(), frames.get(), recentFps,
        withLabels == 0 ? null : (double) correct.get() / withLabels, source.skipped(), uploader.uploadedFrames(),
        uploader.uploadedBytes(), uploader.droppedOverBudget(),
        new AgentStatus.Queue(sender.offline(), sender.queued(), sender.queuedBytes(), delivered, dropped),
        updates, Instant.now());
  }

  private @Nullable String activeBundleName() {
    var ref = pipeline.snapshot().bundleRef();
    return ref == null ? null : ref.bundleId() + ":" + ref.version();
  }

  /** The device id. */
  public String deviceId() {
    return identity.deviceId();
  }

  /** The pipeline (for the swap and the benchmark). */
  public FramePipeline pipeline() {
    return pipeline;
  }

  /** The sender. */
  public ReliableSender sender() {
    return sender;
  }

  /** The uploader. */
  public WindowUploader uploader() {
    return uploader;
  }

  /** The updater, if the agent runs with a registry. */
  public @Nullable BundleUpdater updater() {
    return updater;
  }

  /** The watcher, if the agent runs with a registry. */
  public @Nullable DesiredStateWatcher watcher() {
    return watcher;
  }

  /** Whether the source has ended (a finite replay or scenario). */
  public boolean sourceEnded() {
    return sourceEnded;
  }

  /** Bundle bytes downloaded from the registry since start. */
  public long downloadedBytes() {
    return downloadedBytes.get();
  }

  /** Frames processed. */
  public long frames() {
    return frames.get();
  }

  /** Stops the frame thread, the watcher and the sender (unsent records stay in the disk queue). */
  @Override
  public void close() {
    running = false;
    frameThread.interrupt();
    try {
      frameThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (watcher != null) {
      watcher.close();
    }
    sender.close();
    source.close();
    student.close();
    statusFile.write(status());
    Objects.requireNonNull(identity);
  }
}
