package io.driftline.drift.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DriftIncident;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.drift.TelemetryFixtures;
import io.driftline.drift.TelemetryFixtures.Domain;
import io.driftline.drift.config.DriftProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class DeviceStateSerdeTest {

  private final DriftProperties properties = DriftProperties.defaults();
  private final DeviceMonitor monitor = new DeviceMonitor(properties);
  private final DeviceStateSerde serde = new DeviceStateSerde(properties);

  private static List<TelemetryWindow> stream(long seed) {
    TelemetryFixtures fixtures = new TelemetryFixtures(seed);
    Domain home = fixtures.home();
    Domain fog = fixtures.drifted(8);
    List<TelemetryWindow> windows = new ArrayList<>();
    for (long seq = 0; seq < 120; seq++) {
      windows.add(fixtures.window("gerät 7", seq, seq < 40 ? home : fog, seq >= 90 ? new BundleRef("b", 2) : null));
    }
    return windows;
  }

  @Test
  void aStateReadBackBehavesExactlyLikeTheOriginalAtEveryWindow() {
    DeviceState kept = monitor.newState("gerät 7");
    DeviceState reloaded = monitor.newState("gerät 7");
    for (TelemetryWindow w : stream(4)) {
      DeviceMonitor.Outcome a = monitor.onWindow(kept, w);
      reloaded = serde.read(serde.write(reloaded));
      DeviceMonitor.Outcome b = monitor.onWindow(reloaded, w);
      assertThat(b).as("window %d", w.windowSeq()).isEqualTo(a);
      assertThat(serde.write(reloaded)).isEqualTo(serde.write(kept));
    }
    assertThat(kept.lastSeq()).isEqualTo(119);
  }

  @Test
  void keepsOpenIncidentsWithTheirSignatureAndBundle() {
    DeviceState state = monitor.newState("gerät 7");
    List<DriftIncident> changes = new ArrayList<>();
    for (TelemetryWindow w : stream(4).subList(0, 60)) {
      changes.addAll(monitor.onWindow(state, w).changes());
    }
    assertThat(changes).extracting(DriftIncident::state).containsExactly(DriftIncident.State.OPEN);
    DeviceState back = serde.read(serde.write(state));
    assertThat(back.openIncidents()).isEqualTo(1);
    OpenIncident incident = back.incidents.get(0);
    assertThat(incident.incidentId).isEqualTo(changes.get(0).incidentId());
    assertThat(incident.signature).isEqualTo(changes.get(0).domainSignature());
    assertThat(back.deviceId()).isEqualTo("gerät 7");
  }

  @Test
  void aSmallerHistorySettingKeepsTheNewestWindows() {
    DeviceState state = monitor.newState("cam");
    TelemetryFixtures fixtures = new TelemetryFixtures(1);
    Domain home = fixtures.home();
    for (long seq = 0; seq < 40; seq++) {
      monitor.onWindow(state, fixtures.window("cam", seq, home, null));
    }
    DeviceStateSerde smaller = new DeviceStateSerde(DriftProperties.of(Map.of("detection.history-windows", "12")));
    DeviceState back = smaller.read(serde.write(state));
    assertThat(back.size).isEqualTo(12);
    assertThat(back.seqAt(0)).isEqualTo(28);
    assertThat(back.seqAt(11)).isEqualTo(39);
  }

  @Test
  void truncatedOrForeignBytesFailWithASerializationException() {
    DeviceState state = monitor.newState("cam");
    byte[] bytes = serde.write(state);
    assertThatThrownBy(() -> serde.read(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(SerializationException.class).hasMessageContaining("unreadable device state");
    bytes[0] = 9;
    assertThatThrownBy(() -> serde.read(bytes))
        .isInstanceOf(SerializationException.class).hasMessageContaining("version 9");
  }
}
