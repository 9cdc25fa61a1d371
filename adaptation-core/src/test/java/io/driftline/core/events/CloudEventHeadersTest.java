package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventHeadersTest {

  private static final String TOPIC = Topics.DEVICE_TELEMETRY;

  private static List<DriftlineEvent> oneOfEach() {
    SplittableRandom rnd = new SplittableRandom(31);
    return List.of(EventFixtures.sample(rnd, 15), EventFixtures.telemetry(rnd, true, true),
        EventFixtures.incident(rnd, true), EventFixtures.desired(rnd), EventFixtures.registry(rnd, false));
  }

  private static String header(Headers headers, String name) {
    return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsThroughKafkaHeadersForEveryEventType() {
    for (DriftlineEvent event : oneOfEach()) {
      CloudEventHeaders ce = CloudEventHeaders.of(event);
      Headers headers = new RecordHeaders();
      ce.writeTo(headers);
      assertThat(CloudEventHeaders.readFrom(TOPIC, headers)).isEqualTo(ce);
      assertThat(header(headers, "ce_specversion")).isEqualTo("1.0");
      assertThat(header(headers, "ce_type")).isEqualTo(event.eventType().ceType());
      assertThat(header(headers, "content-type")).isEqualTo(event.eventType().contentType());
      // RFC 3339: parseable as an offset date-time, equal to the event's time.
      assertThat(OffsetDateTime.parse(header(headers, "ce_time")).toInstant()).isEqualTo(event.ceTime());
      assertThat(headers.lastHeader("ce_subject") == null).isEqualTo(event.ceSubject() == null);
    }
  }

  @Test
  void attributesDescribeTheirEvent() {
    SplittableRandom rnd = new SplittableRandom(32);
    DeviceSample s = EventFixtures.sample(rnd, 0);
    CloudEventHeaders ce = CloudEventHeaders.of(s);
    assertThat(ce.id()).isEqualTo(s.eventId());
    assertThat(ce.type()).isEqualTo("io.driftline.device.sample.v1");
    assertThat(ce.time()).isEqualTo(s.capturedAt());

    DriftIncident any = EventFixtures.incident(rnd, false);
    DriftIncident open = withState(any, DriftIncident.State.OPEN);
    DriftIncident adapting = withState(any, DriftIncident.State.ADAPTING);
    assertThat(CloudEventHeaders.of(open).id()).isEqualTo(CloudEventHeaders.of(withState(any, DriftIncident.State.OPEN)).id());
    assertThat(CloudEventHeaders.of(adapting).id()).isNotEqualTo(CloudEventHeaders.of(open).id());
    assertThat(CloudEventHeaders.of(adapting).subject()).isEqualTo(open.incidentId());

    RegistryEvent r = EventFixtures.registry(rnd, true);
    assertThat(CloudEventHeaders.of(r).subject()).isEqualTo(r.entityId());
    assertThat(r.key()).isEqualTo(r.entityId());
  }

  private static DriftIncident withState(DriftIncident i, DriftIncident.State state) {
    return new DriftIncident(i.incidentId(), i.deviceId(), state, i.detector(), i.statistic(),
        i.statisticValue(), i.openedAt(), i.changedAt(), i.firstWindowSeq(), i.lastWindowSeq(), null);
  }

  @Test
  void sourceIsAPercentEncodedUriReference() {
    TelemetryWindow w = EventFixtures.telemetry(new SplittableRandom(1), false, false);
    TelemetryWindow unicode = new TelemetryWindow("gerät 7/a?b", w.windowSeq(), w.start(), w.end(),
        w.frameCount(), w.oodScore(), w.meanEntropy(), w.meanHdcSimilarity(), w.uploads(), w.dropped(),
        null, w.classHistogram());
    String source = unicode.ceSource();
    assertThat(source).isEqualTo("/devices/ger%C3%A4t%207%2Fa%3Fb");
    assertThat(java.net.URI.create(source).getPath()).isEqualTo("/devices/gerät 7/a?b");
  }

  @Test
  void missingRequiredAttributeIsNamed() {
    DriftlineEvent event = oneOfEach().get(1);
    for (String name : List.of("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "content-type")) {
      Headers headers = new RecordHeaders();
      CloudEventHeaders.of(event).writeTo(headers);
      headers.remove(name);
      assertThatThrownBy(() -> CloudEventHeaders.readFrom(TOPIC, headers))
          .isInstanceOf(EventFormatException.class)
          .hasMessage("bad record on topic '" + TOPIC + "': required CloudEvents header " + name + " is missing");
      headers.add(name, "  ".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> CloudEventHeaders.readFrom(TOPIC, headers))
          .hasMessageContaining("CloudEvents header " + name + " is blank");
    }
    Headers noSubject = new RecordHeaders();
    CloudEventHeaders.of(event).writeTo(noSubject);
    noSubject.remove("ce_subject");
    assertThat(CloudEventHeaders.readFrom(TOPIC, noSubject).subject()).isNull();
  }

  @Test
  void badSpecVersionAndTimeAreRejected() {
    Headers headers = new RecordHeaders();
    CloudEventHeaders.of(oneOfEach().get(0)).writeTo(headers);
    headers.remove("ce_specversion");
    headers.add("ce_specversion", "0.3".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> CloudEventHeaders.readFrom(TOPIC, headers))
        .hasMessageContaining("ce_specversion is '0.3', only CloudEvents 1.0 is supported");

    CloudEventHeaders.of(oneOfEach().get(0)).writeTo(headers);
    headers.remove("ce_time");
    headers.add("ce_time", "yesterday".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> CloudEventHeaders.readFrom(TOPIC, headers))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("ce_time is 'yesterday', not an RFC 3339 timestamp");

    headers.remove("ce_time");
    headers.add("ce_time", "2025-01-31T13:00:00.5+01:00".getBytes(StandardCharsets.UTF_8));
    assertThat(CloudEventHeaders.readFrom(TOPIC, headers).time()).isEqualTo(Instant.parse("2025-01-31T12:00:00.5Z"));
  }

  @Test
  void writingReplacesExistingAttributes() {
    Headers headers = new RecordHeaders();
    headers.add("ce_id", "stale".getBytes(StandardCharsets.UTF_8));
    headers.add("ce_subject", "stale".getBytes(StandardCharsets.UTF_8));
    headers.add("traceparent", "keep".getBytes(StandardCharsets.UTF_8));
    DriftlineEvent telemetry = oneOfEach().get(1);
    CloudEventHeaders.of(telemetry).writeTo(headers);
    assertThat(headers.headers("ce_id")).hasSize(1);
    assertThat(header(headers, "ce_id")).isEqualTo(telemetry.ceId());
    assertThat(headers.lastHeader("ce_subject")).isNull();
    assertThat(header(headers, "traceparent")).isEqualTo("keep");
  }

  @Test
  void serializerWritesHeadersAndDeserializerChecksTheType() {
    for (DriftlineEvent event : oneOfEach()) {
      EventSerializer<DriftlineEvent> serializer = new EventSerializer<>();
      Headers headers = new RecordHeaders();
      byte[] value = serializer.serialize(event.eventType().topic(), headers, event);
      assertThat(CloudEventHeaders.readFrom(event.eventType().topic(), headers)).isEqualTo(CloudEventHeaders.of(event));

      @SuppressWarnings({"unchecked", "rawtypes"})
      EventDeserializer<DriftlineEvent> right = new EventDeserializer(event.eventType().recordType());
      assertThat(right.deserialize(event.eventType().topic(), headers, value)).isEqualTo(event);

      EventType other = EventType.values()[(event.eventType().ordinal() + 1) % EventType.values().length];
      @SuppressWarnings({"unchecked", "rawtypes"})
      EventDeserializer<DriftlineEvent> wrong = new EventDeserializer(other.recordType());
      assertThatThrownBy(() -> wrong.deserialize(other.topic(), headers, value))
          .isInstanceOf(EventFormatException.class)
          .hasMessageContaining("ce_type is '" + event.eventType().ceType() + "' but this consumer reads '"
              + other.ceType() + "'");
    }
  }
}
