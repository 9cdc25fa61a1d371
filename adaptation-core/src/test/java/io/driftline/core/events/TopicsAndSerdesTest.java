package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class TopicsAndSerdesTest {

  @Test
  void topicNamesFollowTheArchitecture() {
    assertThat(Topics.all()).containsExactly(
        "device.samples", "device.telemetry", "drift.incidents", "fleet.desired-state", "registry.events");
    assertThat(Arrays.stream(EventType.values()).map(EventType::topic)).containsExactlyElementsOf(Topics.all());
    for (String topic : Topics.all()) {
      assertThat(topic).matches("[a-z]+(\\.[a-z-]+)+");
    }
  }

  @Test
  void newTopicsCompactOnlyTheDesiredState() {
    var topics = Topics.newTopics(3);
    assertThat(topics).extracting(t -> t.name()).containsExactlyElementsOf(Topics.all());
    assertThat(topics).allSatisfy(t -> {
      assertThat(t.numPartitions()).isEqualTo(3);
      assertThat(t.replicationFactor()).isEqualTo((short) 1);
    });
    assertThat(topics).filteredOn(t -> t.configs() != null && "compact".equals(t.configs().get("cleanup.policy")))
        .extracting(t -> t.name()).containsExactly(Topics.FLEET_DESIRED_STATE);
  }

  @Test
  void deadLetterTopicsUseTheDltSuffix() {
    assertThat(Topics.deadLetter("device.samples")).isEqualTo("device.samples-dlt");
    assertThat(Topics.isDeadLetter("device.samples-dlt")).isTrue();
    assertThat(Topics.isDeadLetter("device.samples")).isFalse();
    assertThatThrownBy(() -> Topics.deadLetter("fleet.desired-state-dlt"))
        .hasMessageContaining("already a dead-letter topic");
    assertThatThrownBy(() -> Topics.deadLetter(" ")).hasMessageContaining("must not be blank");
  }

  @Test
  void eventTypesAreUniqueAndFindable() {
    assertThat(new HashSet<>(Arrays.stream(EventType.values()).map(EventType::ceType).toList()))
        .hasSize(EventType.values().length);
    for (EventType t : EventType.values()) {
      assertThat(EventType.fromCeType(t.ceType())).contains(t);
      assertThat(t.ceType()).startsWith("io.driftline.").endsWith(".v1");
      assertThat(t.contentType()).isEqualTo(t == EventType.DEVICE_SAMPLE
          ? "application/vnd.driftline.device-sample.v1" : "application/json");
    }
    assertThat(EventType.fromCeType("io.driftline.unknown.v9")).isEmpty();
  }

  @Test
  void serdesRoundTripEveryType() {
    SplittableRandom rnd = new SplittableRandom(41);
    roundTrip(EventSerdes.deviceSample(), EventFixtures.sample(rnd, 5));
    roundTrip(EventSerdes.telemetryWindow(), EventFixtures.telemetry(rnd, true, false));
    roundTrip(EventSerdes.driftIncident(), EventFixtures.incident(rnd, true));
    roundTrip(EventSerdes.desiredState(), EventFixtures.desired(rnd));
    roundTrip(EventSerdes.registryEvent(), EventFixtures.registry(rnd, false));
  }

  private static <T extends DriftlineEvent> void roundTrip(Serde<T> serde, T event) {
    String topic = event.eventType().topic();
    byte[] bytes = serde.serializer().serialize(topic, event);
    assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(event);
  }

  @Test
  void deserializerCanBeConfiguredByName() throws Exception {
    // The way Kafka (and Spring's ErrorHandlingDeserializer) create a delegate from a class name.
    @SuppressWarnings("unchecked")
    Deserializer<DriftlineEvent> byName = (Deserializer<DriftlineEvent>)
        Class.forName(EventDeserializer.class.getName()).getDeclaredConstructor().newInstance();
    assertThatThrownBy(() -> byName.deserialize("t", new byte[] {1}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not configured with driftline.events.type");
    assertThatThrownBy(() -> byName.configure(Map.of(), false))
        .hasMessageContaining("needs the config driftline.events.type");
    assertThatThrownBy(() -> byName.configure(Map.of(EventDeserializer.EVENT_TYPE_CONFIG, "TELEMETRY"), false))
        .hasMessageContaining("driftline.events.type is 'TELEMETRY', expected one of");

    byName.configure(Map.of(EventDeserializer.EVENT_TYPE_CONFIG, "DESIRED_STATE"), false);
    DesiredState d = EventFixtures.desired(new SplittableRandom(42));
    byte[] json = new EventSerializer<DesiredState>().serialize(Topics.FLEET_DESIRED_STATE, d);
    assertThat(byName.deserialize(Topics.FLEET_DESIRED_STATE, json)).isEqualTo(d);

    EventDeserializer<DesiredState> typed = new EventDeserializer<>(DesiredState.class);
    assertThatThrownBy(() -> typed.configure(Map.of(EventDeserializer.EVENT_TYPE_CONFIG, "DEVICE_SAMPLE"), false))
        .hasMessageContaining("created for DESIRED_STATE");
  }
}
