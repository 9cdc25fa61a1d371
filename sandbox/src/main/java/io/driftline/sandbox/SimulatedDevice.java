package io.driftline.sandbox;

import io.driftline.agent.DeviceAgent;
import io.driftline.agent.config.AgentProperties;
import io.driftline.agent.pipeline.FrameResult;
import io.driftline.agent.source.FrameSource;
import io.driftline.agent.source.SourceFrame;
import io.driftline.core.events.BundleRef;
import io.driftline.core.model.StudentModel;
import io.driftline.sandbox.report.SandboxReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One simulated device: a real {@link DeviceAgent} (enrolment, pipeline, uploads, telemetry, updates)
 * in the sandbox's JVM, playing a scenario stream, plus a <em>shadow</em>: the same student with no
 * adaptation on the same frames. Per telemetry window it records both accuracies, the domain and
 * the active bundle; it also records when the active bundle changed.
 */
final class SimulatedDevice implements AutoCloseable {

  /** A bundle change seen on the frame thread. */
  record Switch(@Nullable String bundle, double atSeconds, long downloadedBytes) {}

  final String name;
  final DeviceClass deviceClass;
  final String student;
  private final DeviceAgent agent;
  private final StudentModel shadow;
  private final DoubleSupplier clock;
  private final int windowFrames;
  private final List<SandboxReport.WindowPoint> windows = new ArrayList<>();
  private final List<Switch> switches = new ArrayList<>();
  private final Map<String, Integer> domains = new HashMap<>();
  private int frames;
  private int correctAdapted;
  private int correctShadow;
  private @Nullable String lastBundle;

  SimulatedDevice(String name, DeviceClass deviceClass, String student, Path studentModel, Path dataDir,
      FrameSource source, String kafka, String registryUrl, String enrolmentToken, double fps, int windowFrames,
      DoubleSupplier clock) {
    this.name = name;
    this.deviceClass = deviceClass;
    this.student = student;
    this.clock = clock;
    this.windowFrames = windowFrames;
    this.shadow = StudentModel.builder().setModel(studentModel).build();
    AgentProperties config = deviceClass.agentConfig(name, student, studentModel, dataDir, kafka, registryUrl,
        enrolmentToken, fps, windowFrames);
    this.agent = new DeviceAgent(config, source, this::observe);
  }

  private synchronized void observe(SourceFrame frame, FrameResult result) {
    BundleRef ref = result.bundle();
    String bundle = ref == null ? null : ref.bundleId() + ":" + ref.version();
    if (!java.util.Objects.equals(bundle, lastBundle) || switches.isEmpty()) {
      switches.add(new Switch(bundle, clock.getAsDouble(), agent.downloadedBytes()));
      lastBundle = bundle;
    }
    int shadowClass = shadow.infer(result.image()).argmax();
    frames++;
    if (frame.hasLabel()) {
      correctAdapted += result.predictedClass() == frame.label() ? 1 : 0;
      correctShadow += shadowClass == frame.label() ? 1 : 0;
    }
    domains.merge(frame.domainTag() == null ? "unknown" : frame.domainTag(), 1, Integer::sum);
    if (frames == windowFrames) {
      String domain = domains.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("unknown");
      windows.add(new SandboxReport.WindowPoint(windows.size(), clock.getAsDouble(), frames, correctAdapted,
          correctShadow, domain, bundle));
      frames = 0;
      correctAdapted = 0;
      correctShadow = 0;
      domains.clear();
    }
  }

  void start() {
    agent.start();
  }

  String deviceId() {
    return agent.deviceId();
  }

  boolean finished() {
    return agent.sourceEnded();
  }

  long framesProcessed() {
    return agent.frames();
  }

  /** Records still waiting in the offline queue. */
  long queued() {
    return agent.sender().queued();
  }

  DeviceAgent agent() {
    return agent;
  }

  synchronized List<SandboxReport.WindowPoint> windows() {
    return List.copyOf(windows);
  }

  synchronized List<Switch> switches() {
    return List.copyOf(switches);
  }

  /** Accuracy so far with adaptation and of the shadow, over finished windows. */
  synchronized double[] accuracy() {
    long n = 0;
    long a = 0;
    long s = 0;
    for (SandboxReport.WindowPoint w : windows) {
      n += w.frames();
      a += w.correctAdapted();
      s += w.correctShadow();
    }
    return n == 0 ? new double[] {0, 0} : new double[] {(double) a / n, (double) s / n};
  }

  @Override
  public void close() {
    agent.close();
    shadow.close();
  }
}
