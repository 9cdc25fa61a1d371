package io.driftline.catalog.graph;

import static io.driftline.catalog.Descriptions.device;
import static io.driftline.catalog.Descriptions.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.catalog.Descriptions;
import io.driftline.catalog.graph.CatalogStore.Outcome;
import io.driftline.catalog.shapes.ShapeValidator;
import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.Iris;
import io.driftline.core.events.RegistryEvent;
import io.driftline.core.events.RegistryEvent.Type;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.jena.graph.Graph;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** Registry events applied to a real TDB2 dataset: idempotent by event id, across restarts too. */
class CatalogStoreTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @TempDir
  Path folder;

  CatalogStore store;
  Catalog catalog;

  @BeforeEach
  void open() {
    reopen();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void replayingTheSameEventChangesNothing() {
    RegistryEvent enrolled = event("e-1", Type.DEVICE_ENROLLED, "cam-1", device("cam-1"), T0);

    assertThat(catalog.apply(enrolled)).isEqualTo(Outcome.APPLIED);
    Graph before = store.unionSnapshot();
    assertThat(catalog.apply(enrolled)).isEqualTo(Outcome.DUPLICATE);

    assertThat(store.unionSnapshot().isIsomorphicWith(before)).isTrue();
  }

  @Test
  void aReplayedEventIsSkippedAfterARestartToo() {
    catalog.apply(event("e-1", Type.DEVICE_ENROLLED, "cam-1", device("cam-1"), T0));
    // The same id with a different payload: if it were applied, RAM would change.
    RegistryEvent replayed = event("e-1", Type.DEVICE_ENROLLED, "cam-1", device("cam-1").put("ramBytes", 1), T0);

    store.close();
    reopen();

    assertThat(catalog.apply(replayed)).isEqualTo(Outcome.DUPLICATE);
    assertThat(ram("cam-1")).isEqualTo(262_144L);
  }

  @Test
  void aLaterEnrolmentReplacesTheDescriptionButKeepsTheState() {
    catalog.apply(event("e-1", Type.DEVICE_ENROLLED, "cam-1", device("cam-1"), T0));
    ObjectNode desired = Descriptions.JSON.createObjectNode().put("deviceId", "cam-1").put("bundle", "bundle-a:2")
        .put("digest", Descriptions.DIGEST).put("generation", 7);
    catalog.apply(event("e-2", Type.DESIRED_STATE_SET, "cam-1", desired, T0.plusSeconds(1)));
    catalog.apply(event("e-3", Type.DEVICE_ENROLLED, "cam-1", device("cam-1").put("ramBytes", 524_288), T0.plusSeconds(2)));

    assertThat(ram("cam-1")).isEqualTo(524_288L);
    Model state = store.graph(Iris.deviceStateGraph("cam-1"));
    assertThat(state.getResource(Iris.device("cam-1")).getProperty(DL.desiredGeneration).getLong()).isEqualTo(7);
  }

  @Test
  void anOlderEventForAGraphIsStaleAndLeavesItAsItWas() {
    catalog.apply(event("e-2", Type.DEVICE_ENROLLED, "cam-1", device("cam-1").put("ramBytes", 524_288), T0.plusSeconds(5)));

    Outcome outcome = catalog.apply(event("e-1", Type.DEVICE_ENROLLED, "cam-1", device("cam-1"), T0));

    assertThat(outcome).isEqualTo(Outcome.STALE);
    assertThat(ram("cam-1")).isEqualTo(524_288L);
    assertThat(store.applied("e-1")).isTrue();
  }

  @Test
  void unknownEventTypesAreSkipped() {
    RegistryEvent future = event("e-9", Type.UNKNOWN, "x", Descriptions.JSON.createObjectNode(), T0);

    assertThat(catalog.apply(future)).isEqualTo(Outcome.IGNORED);
    assertThat(store.graphNames()).isEmpty();
  }

  @Test
  void aBatchAppliesValidEventsAndReportsRejectedOnes() {
    Catalog.BatchResult result = catalog.applyAll(List.of(
        event("e-1", Type.DEVICE_ENROLLED, "cam-1", device("cam-1"), T0),
        event("e-2", Type.DEVICE_ENROLLED, "cam-2", device("cam-2").put("ramBytes", -1), T0),
        event("e-1", Type.DEVICE_ENROLLED, "cam-1", device("cam-1"), T0)));

    assertThat(result.applied()).isEqualTo(1);
    assertThat(result.skipped()).isEqualTo(1);
    assertThat(result.rejected()).singleElement().asString().startsWith("e-2: device cam-2 does not conform")
        .contains("ramBytes must be");
    assertThat(store.applied("e-2")).isFalse();
  }

  @Test
  void listenersHearWhichDevicesAndVersionsChanged() {
    java.util.List<CatalogChange> heard = new java.util.ArrayList<>();
    catalog.addListener(heard::add);

    catalog.apply(event("e-1", Type.DEVICE_ENROLLED, "cam/1 x", device("cam/1 x"), T0));
    catalog.apply(event("e-2", Type.VERSION_CREATED, "student-small:1", Descriptions.student("student-small", 1), T0));

    assertThat(heard).extracting(CatalogChange::deviceIds).containsExactly(java.util.Set.of("cam/1 x"), java.util.Set.of());
    assertThat(heard.get(1).versions()).extracting(Object::toString).containsExactly("student-small:1");
  }

  private long ram(String deviceId) {
    Model m = store.graph(Iris.deviceGraph(deviceId));
    Resource capability = m.getResource(Iris.deviceCapability(deviceId));
    return capability.getProperty(DL.ramBytes).getLong();
  }

  private void reopen() {
    store = new CatalogStore(folder.resolve("tdb2"));
    catalog = new Catalog(store, new DescriptionMapper(), new ShapeValidator());
  }
}
