package io.driftline.drift.stream;

import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.EventSerdes;
import io.driftline.core.events.EventSerializer;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.config.DriftProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A {@link TopologyTestDriver} around the drift topology with typed input and output topics. */
final class DriverHarness implements AutoCloseable {

  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  final TestInputTopic<String, TelemetryWindow> telemetry;
  final TestInputTopic<String, DriftIncident> incidentsIn;
  final TestInputTopic<String, byte[]> rawTelemetry;
  final TestOutputTopic<String, DriftIncident> incidents;
  final TestOutputTopic<String, byte[]> telemetryDlt;
  final TestOutputTopic<String, byte[]> incidentsDlt;

  DriverHarness(Path stateDir) {
    this(stateDir, Map.of());
  }

  DriverHarness(Path stateDir, Map<String, String> settings) {
    this(stateDir, settings, DeviceProcessor.LIVE_STATES);
  }

  DriverHarness(Path stateDir, Map<String, String> settings, int liveStates) {
    DriftProperties properties = DriftProperties.of(settings);
    StreamsBuilder builder = new StreamsBuilder();
    DriftTopology.build(builder, properties, new DriftMetrics(meters), liveStates);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "drift-detector-test");
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(builder.build(), config);
    DriftProperties.Topics topics = properties.topics();
    telemetry = driver.createInputTopic(topics.telemetry(), new StringSerializer(), new EventSerializer<>());
    incidentsIn = driver.createInputTopic(topics.incidents(), new StringSerializer(), new EventSerializer<>());
    rawTelemetry = driver.createInputTopic(topics.telemetry(), new StringSerializer(), new ByteArraySerializer());
    incidents = driver.createOutputTopic(topics.incidents(), new StringDeserializer(),
        EventSerdes.driftIncident().deserializer());
    telemetryDlt = driver.createOutputTopic(topics.telemetryDeadLetter(), new StringDeserializer(),
        new ByteArrayDeserializer());
    incidentsDlt = driver.createOutputTopic(topics.incidentsDeadLetter(), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  void send(TelemetryWindow window) {
    telemetry.pipeInput(window.deviceId(), window, window.end());
  }

  /** Reads every incident event published so far. */
  List<DriftIncident> published() {
    return incidents.readRecordsToList().stream().map(TestRecord::value).toList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
