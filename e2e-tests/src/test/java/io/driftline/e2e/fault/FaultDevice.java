package io.driftline.e2e.fault;

import io.driftline.agent.DeviceAgent;
import io.driftline.agent.config.AgentProperties;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One device of a fault test: a real {@link DeviceAgent} (enrolment, ONNX pipeline, uploads,
 * telemetry, offline queue, updates) in the test's JVM on the small student, playing a
 * {@link DomainSource}. Its Kafka and registry addresses may be proxies the test cuts.
 */
final class FaultDevice implements AutoCloseable {

  /** Frames per second and per telemetry window: one window a second, as in the sandbox. */
  static final int FPS = 25;
  static final int WINDOW_FRAMES = 25;

  final String name;
  final DomainSource source;
  final DeviceAgent agent;

  /**
   * @param queueRecords bound of the offline queue (records); a small bound makes the drop policy act
   */
  FaultDevice(String name, LabeledImages images, int offset, Path student, Path dataDir, String kafka, String registryUrl,
      String enrolmentToken, int queueRecords) {
    this.name = name;
    this.source = new DomainSource(images, offset, 20261126L + offset);
    AgentProperties config = new AgentProperties(dataDir, null, kafka,
        new AgentProperties.Registry(registryUrl, enrolmentToken, "",
            new AgentProperties.Enrolment("camera", "student-small:1", List.of("FP32", "INT8"), 4L * 1024 * 1024,
                16L * 1024 * 1024, 2_000_000_000L, Map.of("stream", name)),
            Duration.ofSeconds(10)),
        new AgentProperties.Student(student, 1),
        new AgentProperties.Source("scenario", "", "", FPS, false, Duration.ofMillis(200)),
        new AgentProperties.Upload(WINDOW_FRAMES, 0.4, 64 * 1024, 10, 0.05, true),
        new AgentProperties.Queue(queueRecords, 64L * 1024 * 1024, Duration.ofSeconds(5)),
        new AgentProperties.Hdc(1024, 0.6, 10 * WINDOW_FRAMES),
        4L * 1024 * 1024,
        new AgentProperties.Topics(Topics.DEVICE_SAMPLES, Topics.DEVICE_TELEMETRY, Topics.FLEET_DESIRED_STATE));
    this.agent = new DeviceAgent(config, source);
  }

  String id() {
    return agent.deviceId();
  }

  /** Samples the uploader handed to the sender so far. */
  long uploaded() {
    return agent.uploader().uploadedFrames();
  }

  long delivered() {
    return agent.sender().delivered(Topics.DEVICE_SAMPLES);
  }

  long dropped() {
    return agent.sender().dropped(Topics.DEVICE_SAMPLES);
  }

  /** The bundle the pipeline runs, {@code name:version}, or null. */
  @org.jspecify.annotations.Nullable String activeBundle() {
    var ref = agent.pipeline().snapshot().bundleRef();
    return ref == null ? null : ref.bundleId() + ":" + ref.version();
  }

  @Override
  public void close() {
    agent.close();
  }
}
