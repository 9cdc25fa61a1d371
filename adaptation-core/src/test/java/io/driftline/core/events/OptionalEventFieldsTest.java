package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.hdc.Hypervector;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The optional fields added after the first format: telemetry domain signatures, incident groups. */
class OptionalEventFieldsTest {

  private final EventSerializer<DriftlineEvent> serializer = new EventSerializer<>();

  private static TelemetryWindow withSignature(TelemetryWindow w, Hypervector signature) {
    return new TelemetryWindow(w.deviceId(), w.windowSeq(), w.start(), w.end(), w.frameCount(),
        w.oodScore(), w.meanEntropy(), w.meanHdcSimilarity(), w.uploads(), w.dropped(),
        w.activeBundle(), w.classHistogram(), signature);
  }

  private static DriftIncident withGroup(DriftIncident i, String groupId) {
    return new DriftIncident(i.incidentId(), i.deviceId(), i.state(), i.detector(), i.statistic(),
        i.statisticValue(), i.openedAt(), i.changedAt(), i.firstWindowSeq(), i.lastWindowSeq(),
        i.domainSignature(), groupId);
  }

  @Test
  void telemetryWithDomainSignatureRoundTripsAndDiffersFromOneWithout() {
    TelemetryWindow plain = EventFixtures.telemetry(new SplittableRandom(21), true, true);
    Hypervector signature = EventFixtures.hypervector(new SplittableRandom(22), 1024);
    TelemetryWindow signed = withSignature(plain, signature);

    byte[] json = serializer.serialize(Topics.DEVICE_TELEMETRY, signed);
    TelemetryWindow back = new EventDeserializer<>(TelemetryWindow.class).deserialize(Topics.DEVICE_TELEMETRY, json);

    assertThat(back).isEqualTo(signed);
    assertThat(back.domainSignature()).isEqualTo(signature);
    assertThat(signed).isNotEqualTo(plain);
    assertThat(signed.hashCode()).isNotEqualTo(plain.hashCode());
    assertThat(signed.toString()).contains("domainSignature=Hypervector");
  }

  @Test
  void oldConstructorAndOldJsonLeaveTheSignatureNull() {
    TelemetryWindow plain = EventFixtures.telemetry(new SplittableRandom(23), false, false);
    assertThat(plain.domainSignature()).isNull();

    ObjectNode tree = (ObjectNode) EventJson.MAPPER.readTree(serializer.serialize(Topics.DEVICE_TELEMETRY, plain));
    tree.remove("domainSignature");
    TelemetryWindow back = new EventDeserializer<>(TelemetryWindow.class)
        .deserialize(Topics.DEVICE_TELEMETRY, tree.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(back).isEqualTo(plain);
  }

  @Test
  void oversizedSignatureIsRejectedByName() {
    TelemetryWindow plain = EventFixtures.telemetry(new SplittableRandom(24), false, false);
    Hypervector huge = new Hypervector(TelemetryWindow.MAX_SIGNATURE_DIMENSION + 64,
        new long[Hypervector.wordsFor(TelemetryWindow.MAX_SIGNATURE_DIMENSION + 64)]);
    assertThatThrownBy(() -> withSignature(plain, huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("domainSignature has 65600 bits, at most 65536");
  }

  @Test
  void incidentGroupRoundTripsAndIsOptional() {
    DriftIncident plain = EventFixtures.incident(new SplittableRandom(25), true);
    assertThat(plain.groupId()).isNull();
    DriftIncident grouped = withGroup(plain, "group-7");

    byte[] json = serializer.serialize(Topics.DRIFT_INCIDENTS, grouped);
    EventDeserializer<DriftIncident> reader = new EventDeserializer<>(DriftIncident.class);
    assertThat(reader.deserialize(Topics.DRIFT_INCIDENTS, json)).isEqualTo(grouped);

    ObjectNode tree = (ObjectNode) EventJson.MAPPER.readTree(json);
    tree.remove("groupId");
    assertThat(reader.deserialize(Topics.DRIFT_INCIDENTS, tree.toString().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(plain);
  }

  @Test
  void blankGroupIsRejected() {
    DriftIncident plain = EventFixtures.incident(new SplittableRandom(26), false);
    assertThatThrownBy(() -> withGroup(plain, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("groupId must not be blank");
  }
}
