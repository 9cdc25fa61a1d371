package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class JsonEventsTest {

  private final EventSerializer<DriftlineEvent> serializer = new EventSerializer<>();

  private static List<DriftlineEvent> examples(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<DriftlineEvent> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(EventFixtures.telemetry(rnd, i % 2 == 0, i % 3 != 0));
      events.add(EventFixtures.incident(rnd, i % 2 == 0));
      events.add(EventFixtures.desired(rnd));
      events.add(EventFixtures.registry(rnd, i % 4 == 0));
    }
    return events;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static DriftlineEvent read(EventType type, byte[] json) {
    return (DriftlineEvent) new EventDeserializer(type.recordType()).deserialize(type.topic(), json);
  }

  private byte[] write(DriftlineEvent event) {
    return serializer.serialize(event.eventType().topic(), event);
  }

  private static ObjectNode tree(byte[] json) {
    return (ObjectNode) EventJson.MAPPER.readTree(json);
  }

  @Test
  void everyJsonRecordRoundTrips() {
    for (DriftlineEvent event : examples(3)) {
      DriftlineEvent back = read(event.eventType(), write(event));
      assertThat(back).isEqualTo(event);
    }
  }

  @Test
  void emptyHistogramAndAbsentBundleRoundTrip() {
    TelemetryWindow w = EventFixtures.telemetry(new SplittableRandom(1), false, false);
    byte[] json = write(w);
    ObjectNode tree = tree(json);
    assertThat(tree.get("classHistogram").isArray()).isTrue();
    assertThat(tree.get("classHistogram").size()).isZero();
    assertThat(read(EventType.TELEMETRY_WINDOW, json)).isEqualTo(w);
    // A producer may also leave the optional bundle out entirely.
    tree.remove("activeBundle");
    byte[] withoutBundle = tree.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(((TelemetryWindow) read(EventType.TELEMETRY_WINDOW, withoutBundle)).activeBundle()).isNull();
  }

  @Test
  void jsonHasExactlyTheRecordComponentsAndIsoInstants() {
    for (DriftlineEvent event : examples(4)) {
      ObjectNode tree = tree(write(event));
      List<String> expected = new ArrayList<>();
      for (RecordComponent c : event.getClass().getRecordComponents()) {
        expected.add(c.getName());
      }
      // No key()/ceId()/eventType() leaking into the payload.
      assertThat(tree.propertyNames()).containsExactlyInAnyOrderElementsOf(expected);
    }
    DesiredState d = EventFixtures.desired(new SplittableRandom(2));
    ObjectNode tree = tree(write(d));
    assertThat(tree.get("issuedAt").asString()).isEqualTo("2025-03-14T09:26:53.589793238Z");
    assertThat(tree.get("bundle").get("bundleId").asString()).isEqualTo(d.bundle().bundleId());
  }

  @Test
  void missingRequiredFieldIsRejectedNamingIt() {
    int checked = 0;
    for (DriftlineEvent event : examples(5)) {
      for (RecordComponent c : event.getClass().getRecordComponents()) {
        if (c.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
          continue;
        }
        ObjectNode tree = tree(write(event));
        tree.remove(c.getName());
        byte[] json = tree.toString().getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> read(event.eventType(), json))
            .isInstanceOf(EventFormatException.class)
            .hasMessageContaining("required field '" + c.getName() + "'")
            .hasMessageContaining("is missing")
            .hasMessageContaining(event.eventType().topic());
        tree.putNull(c.getName());
        byte[] nulled = tree.toString().getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> read(event.eventType(), nulled))
            .isInstanceOf(EventFormatException.class)
            .hasMessageContaining("required field '" + c.getName() + "'")
            .hasMessageContaining("is null");
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void missingNestedFieldIsNamedWithItsPath() {
    TelemetryWindow w = EventFixtures.telemetry(new SplittableRandom(6), true, true);
    ObjectNode tree = tree(write(w));
    ((ObjectNode) tree.get("oodScore")).remove("p90");
    byte[] json = tree.toString().getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> read(EventType.TELEMETRY_WINDOW, json))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("required field 'oodScore.p90' of ScoreSummary is missing");

    DriftIncident incident = EventFixtures.incident(new SplittableRandom(6), true);
    ObjectNode it = tree(write(incident));
    ((ObjectNode) it.get("domainSignature")).remove("words");
    byte[] json2 = it.toString().getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> read(EventType.DRIFT_INCIDENT, json2))
        .hasMessageContaining("required field 'domainSignature.words' of Hypervector is missing");
  }

  @Test
  void unknownFieldsAreIgnoredAtEveryLevel() {
    for (DriftlineEvent event : examples(7)) {
      ObjectNode tree = tree(write(event));
      tree.put("addedInV2", "ignored");
      tree.putObject("nestedNewThing").put("x", 1);
      for (JsonNode child : tree) {
        if (child instanceof ObjectNode o && !(event instanceof RegistryEvent)) {
          o.put("futureField", 42);
        }
      }
      byte[] json = tree.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(read(event.eventType(), json)).isEqualTo(event);
    }
  }

  @Test
  void invalidValuesAreRejectedNamingTheField() {
    TelemetryWindow w = EventFixtures.telemetry(new SplittableRandom(8), true, true);
    ObjectNode tree = tree(write(w));
    tree.put("uploads", w.frameCount() + 1);
    assertThatThrownBy(() -> read(EventType.TELEMETRY_WINDOW, tree.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("uploads must be in [0, frameCount=");

    // Hamming similarity, as the hdc package reports it: a cosine-style negative value is a mistake.
    ObjectNode similarity = tree(write(w));
    similarity.put("meanHdcSimilarity", -0.25);
    assertThatThrownBy(() -> read(EventType.TELEMETRY_WINDOW, similarity.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("meanHdcSimilarity must be in [0.0, 1.0], got -0.25");

    ObjectNode nested = tree(write(w));
    ((ObjectNode) nested.get("oodScore")).put("std", -1.0);
    assertThatThrownBy(() -> read(EventType.TELEMETRY_WINDOW, nested.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("field 'oodScore'")
        .hasMessageContaining("std must be >= 0");

    ObjectNode wrongType = tree(write(w));
    wrongType.put("frameCount", "many");
    assertThatThrownBy(() -> read(EventType.TELEMETRY_WINDOW, wrongType.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("field 'frameCount'");

    DesiredState d = EventFixtures.desired(new SplittableRandom(8));
    ObjectNode digest = tree(write(d));
    digest.put("artefactDigest", d.artefactDigest().toUpperCase(java.util.Locale.ROOT));
    assertThatThrownBy(() -> read(EventType.DESIRED_STATE, digest.toString().getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("artefactDigest must be a SHA-256 digest as 64 lower-case hex digits");

    DriftIncident incident = EventFixtures.incident(new SplittableRandom(8), false);
    ObjectNode state = tree(write(incident));
    state.put("state", "EXPLODED");
    assertThatThrownBy(() -> read(EventType.DRIFT_INCIDENT, state.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("field 'state'")
        .hasMessageContaining("EXPLODED");

    RegistryEvent r = EventFixtures.registry(new SplittableRandom(8), false);
    ObjectNode payload = tree(write(r));
    payload.put("payload", "not an object");
    assertThatThrownBy(() -> read(EventType.REGISTRY_EVENT, payload.toString().getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("payload must be a JSON object, got string");
  }

  @Test
  void nonJsonAndNonObjectValuesAreRejected() {
    assertThatThrownBy(() -> read(EventType.DESIRED_STATE, new byte[] {(byte) 0xD1, 1, 0}))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("bad record on topic 'fleet.desired-state': value is not valid JSON");
    assertThatThrownBy(() -> read(EventType.DESIRED_STATE, "[1,2]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("value must be a JSON object for DesiredState, got array");
    assertThatThrownBy(() -> read(EventType.DESIRED_STATE, "{} {}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(EventFormatException.class);
  }

  @Test
  void unknownRegistryTypeReadsAsUnknownAndCannotBeWritten() {
    RegistryEvent r = EventFixtures.registry(new SplittableRandom(9), false);
    ObjectNode tree = tree(write(r));
    tree.put("type", "SHINY_NEW_THING");
    RegistryEvent back = (RegistryEvent) read(EventType.REGISTRY_EVENT, tree.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(back.type()).isEqualTo(RegistryEvent.Type.UNKNOWN);
    assertThat(back.payload()).isEqualTo(r.payload());
    assertThatThrownBy(() -> write(back))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("type UNKNOWN");
  }

  @Test
  void registryPayloadIsCopied() {
    ObjectNode payload = EventJson.MAPPER.createObjectNode().put("a", 1);
    RegistryEvent r = new RegistryEvent("e", RegistryEvent.Type.ALIAS_SET, "m", EventFixtures.T0, payload);
    payload.put("a", 2);
    assertThat(r.payload().get("a").asInt()).isEqualTo(1);
  }

  @Test
  void tombstonesAreNullBothWays() {
    EventDeserializer<DesiredState> deserializer = new EventDeserializer<>(DesiredState.class);
    assertThat(deserializer.deserialize(Topics.FLEET_DESIRED_STATE, null)).isNull();
    assertThat(deserializer.deserialize(Topics.FLEET_DESIRED_STATE,
        new org.apache.kafka.common.header.internals.RecordHeaders(), (byte[]) null)).isNull();
    assertThat(new EventSerializer<DesiredState>().serialize(Topics.FLEET_DESIRED_STATE, null)).isNull();
  }

  @Test
  void recordsCheckTheirInvariants() {
    assertThatThrownBy(() -> new ScoreSummary(0.5, 0.1, 0.6, 0.5, 0.9))
        .hasMessageContaining("p50 <= p90 <= p99");
    TelemetryWindow w = EventFixtures.telemetry(new SplittableRandom(10), false, true);
    int[] wrongSum = w.classHistogram().clone();
    wrongSum[0]++;
    assertThatThrownBy(() -> new TelemetryWindow(w.deviceId(), w.windowSeq(), w.start(), w.end(), w.frameCount(),
        w.oodScore(), w.meanEntropy(), w.meanHdcSimilarity(), w.uploads(), w.dropped(), null, wrongSum))
        .hasMessageContaining("classHistogram counts sum to " + (w.frameCount() + 1));
    assertThatThrownBy(() -> new TelemetryWindow(w.deviceId(), w.windowSeq(), w.end(), w.start(), w.frameCount(),
        w.oodScore(), w.meanEntropy(), w.meanHdcSimilarity(), w.uploads(), w.dropped(), null, new int[0]))
        .hasMessageContaining("is before start");
    DriftIncident i = EventFixtures.incident(new SplittableRandom(10), false);
    assertThatThrownBy(() -> new DriftIncident(i.incidentId(), i.deviceId(), i.state(), i.detector(),
        i.statistic(), i.statisticValue(), i.openedAt(), i.changedAt(), 5, 4, null))
        .hasMessageContaining("lastWindowSeq 4 is before firstWindowSeq 5");
    DesiredState d = EventFixtures.desired(new SplittableRandom(10));
    assertThatThrownBy(() -> new DesiredState(d.deviceId(), d.bundle(), d.artefactDigest(), "http://x y",
        d.signatureKeyId(), d.issuedAt(), d.generation()))
        .hasMessageContaining("artefactUrl is not a valid URI reference");
  }
}
