package io.driftline.sandbox;

import io.driftline.agent.config.AgentProperties;
import io.driftline.core.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kinds of simulated device, so the fleet is heterogeneous: different students, precisions,
 * memory (and so adaptor budgets) and upload budgets. Device {@code i} gets class {@code i mod 3}.
 *
 * @param name the device class the registry and catalog see
 * @param student the reference student it runs
 * @param precisions precisions it can run
 * @param ramBytes RAM it declares (the catalog's adaptor budget is at most this)
 * @param flashBytes flash it declares
 * @param macsPerSecond compute it declares
 * @param uploadFraction most frames a telemetry window may upload
 * @param uploadBytesPerSecond upload byte rate
 */
public record DeviceClass(String name, String student, List<String> precisions, long ramBytes, long flashBytes,
    long macsPerSecond, double uploadFraction, double uploadBytesPerSecond) {

  /** A microcontroller: the nano student, integer and 1-bit adaptors only, 16 KB for adaptors. */
  public static final DeviceClass MCU = new DeviceClass("mcu", "student-nano", List.of("INT8", "BINARY"), 16 * 1024,
      2L * 1024 * 1024, 200_000_000L, 0.1, 8 * 1024);
  /** A smart camera: the small student, fp32 and int8, 64 KB for adaptors. */
  public static final DeviceClass CAMERA = new DeviceClass("camera", "student-small", List.of("FP32", "INT8"), 64 * 1024,
      16L * 1024 * 1024, 2_000_000_000L, 0.15, 32 * 1024);
  /** An edge gateway: the small student, every precision, plenty of memory. */
  public static final DeviceClass GATEWAY = new DeviceClass("gateway", "student-small", List.of("FP32", "INT8", "BINARY"),
      4L * 1024 * 1024, 256L * 1024 * 1024, 20_000_000_000L, 0.2, 64 * 1024);

  /** Every class, in the order devices take them. */
  public static final List<DeviceClass> ALL = List.of(MCU, CAMERA, GATEWAY);

  /** The class of device number {@code index}. */
  public static DeviceClass of(int index) {
    return ALL.get(index % ALL.size());
  }

  /**
   * The device agent's settings for a device of this class named {@code name} (the enrolment label
   * {@code stream}), enrolling with {@code enrolmentToken} at the registry and sending to {@code kafka}.
   */
  public AgentProperties agentConfig(String name, String student, Path studentModel, Path dataDir, String kafka,
      String registryUrl, String enrolmentToken, double fps, int windowFrames) {
    return new AgentProperties(dataDir, null, kafka,
        new AgentProperties.Registry(registryUrl, enrolmentToken, "",
            new AgentProperties.Enrolment(name(), student, precisions(), ramBytes(), flashBytes(), macsPerSecond(),
                Map.of("stream", name)),
            Duration.ofSeconds(30)),
        new AgentProperties.Student(studentModel, 1),
        new AgentProperties.Source("scenario", "", "", fps, false, Duration.ofMillis(200)),
        new AgentProperties.Upload(windowFrames, uploadFraction(), uploadBytesPerSecond(), 10, 0.1, true),
        new AgentProperties.Queue(10_000, 64L * 1024 * 1024, Duration.ofSeconds(10)),
        new AgentProperties.Hdc(1024, 0.6, 10 * windowFrames),
        ramBytes(),
        new AgentProperties.Topics(Topics.DEVICE_SAMPLES, Topics.DEVICE_TELEMETRY, Topics.FLEET_DESIRED_STATE));
  }
}
