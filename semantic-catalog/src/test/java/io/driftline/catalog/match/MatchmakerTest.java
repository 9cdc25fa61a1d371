package io.driftline.catalog.match;

import static io.driftline.catalog.Descriptions.bundle;
import static io.driftline.catalog.Descriptions.device;
import static io.driftline.catalog.Descriptions.student;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.catalog.Descriptions;
import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore;
import io.driftline.catalog.graph.DescriptionMapper;
import io.driftline.catalog.match.Matchmaker.DeviceMatch;
import io.driftline.catalog.shapes.ShapeValidator;
import io.driftline.catalog.vocab.VersionRef;
import io.driftline.core.events.RegistryEvent;
import io.driftline.core.update.Precision;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** Matchmaking both ways over the capability index, which follows the TDB2 graph. */
class MatchmakerTest {

  private static final VersionRef SMALL = new VersionRef("student-small", 1);

  @TempDir
  Path folder;

  CatalogStore store;
  Catalog catalog;
  CapabilityIndex index;
  Matchmaker matchmaker;

  @BeforeEach
  void open() {
    store = new CatalogStore(folder.resolve("tdb2"));
    catalog = new Catalog(store, new DescriptionMapper(), new ShapeValidator());
    index = new CapabilityIndex(store);
    catalog.addListener(index);
    matchmaker = new Matchmaker(index, 10);
    catalog.putVersion(SMALL, student("student-small", 1));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aBundleFitsDevicesThatRunItsStudentAndItsPrecisionWithinBudget() {
    catalog.putDevice("fits", device("fits"));
    catalog.putDevice("other-student", device("other-student").put("student", "student-big:1"));
    ObjectNode fp32Only = device("fp32-only");
    fp32Only.putArray("precisions").add("FP32");
    catalog.putDevice("fp32-only", fp32Only);
    // flash 110 kB - student 100 kB leaves 10 kB < 20 kB of adaptors.
    catalog.putDevice("small-flash", device("small-flash").put("flashBytes", 110_000));
    // 20 MMAC/s at 10 fps = 2 MMAC per frame, all taken by the student.
    catalog.putDevice("slow", device("slow").put("macsPerSecond", 20_000_000));
    catalog.putVersion(new VersionRef("bundle-a", 1), bundle("bundle-a", 1, "student-small:1", "INT8"));

    Matchmaker.ArtefactMatch match = matchmaker.devicesFor(new VersionRef("bundle-a", 1), 10);

    assertThat(match.kind()).isEqualTo("bundle");
    assertThat(match.devices()).containsExactly("fits");
    assertThat(match.deviceCount()).isEqualTo(1);
  }

  @Test
  void aStudentFitsDevicesWithLargeEnoughSensorsFlashComputeAndPrecision() {
    catalog.putDevice("fits", device("fits"));
    ObjectNode tinySensor = device("tiny-sensor");
    ((ObjectNode) tinySensor.get("sensors").get(0)).put("width", 16);
    catalog.putDevice("tiny-sensor", tinySensor);
    ObjectNode binaryOnly = device("binary-only");
    binaryOnly.putArray("precisions").add("BINARY");
    catalog.putDevice("binary-only", binaryOnly);
    catalog.putDevice("tiny-flash", device("tiny-flash").put("flashBytes", 50_000));

    assertThat(matchmaker.devicesFor(SMALL, 10).devices()).containsExactly("fits");
  }

  @Test
  void aDeviceGetsTheStudentsThatFitWithTheirAdaptorBudgets() {
    catalog.putDevice("cam-1", device("cam-1"));
    ObjectNode big = student("student-big", 1).put("sizeBytes", 2_000_000);
    catalog.putVersion(new VersionRef("student-big", 1), big);
    catalog.putVersion(new VersionRef("student-lean", 2), student("student-lean", 2).put("sizeBytes", 900_000));
    catalog.putVersion(new VersionRef("bundle-a", 1), bundle("bundle-a", 1, "student-small:1", "BINARY"));
    catalog.putVersion(new VersionRef("bundle-b", 1), bundle("bundle-b", 1, "student-lean:2", "INT8"));

    DeviceMatch match = matchmaker.fitFor("cam-1");

    assertThat(match.students()).extracting(s -> s.student().toString())
        .containsExactly("student-lean:2", "student-small:1");
    Matchmaker.StudentFit small = match.students().get(1);
    assertThat(small.current()).isTrue();
    // min(RAM 262,144, flash 1,048,576 - 100,000); 50 MMAC/s / 10 fps - 2 MMAC.
    assertThat(small.adaptorBudget().maxAdaptorBytes()).isEqualTo(262_144);
    assertThat(small.adaptorBudget().maxAdaptorMacs()).isEqualTo(3_000_000);
    assertThat(small.adaptorBudget().precisions()).containsExactly(Precision.INT8, Precision.BINARY);
    assertThat(match.students().get(0).adaptorBudget().maxAdaptorBytes()).isEqualTo(148_576);
    assertThat(match.bundles()).extracting(Object::toString).containsExactly("bundle-a:1");
    assertThat(match.currentBudget()).isEqualTo(small.adaptorBudget());
  }

  @Test
  void revokedDevicesFitNothingAndLeaveTheInventory() {
    catalog.putDevice("cam-1", device("cam-1"));
    catalog.putDevice("cam-2", device("cam-2").put("deviceClass", "phone"));
    catalog.apply(new RegistryEvent("r-1", RegistryEvent.Type.DEVICE_REVOKED, "cam-2", Instant.now(),
        Descriptions.JSON.createObjectNode().put("deviceId", "cam-2")));

    assertThat(matchmaker.devicesFor(SMALL, 10).devices()).containsExactly("cam-1");
    assertThat(matchmaker.fitFor("cam-2").revoked()).isTrue();
    assertThat(matchmaker.fitFor("cam-2").students()).isEmpty();
    Matchmaker.Inventory inventory = matchmaker.inventory();
    assertThat(inventory.devices()).isEqualTo(1);
    assertThat(inventory.revoked()).isEqualTo(1);
    assertThat(inventory.byClass()).containsExactly(java.util.Map.entry("mcu", 1));
  }

  @Test
  void inventoryCountsByClassSensorAndPrecision() {
    catalog.putDevice("cam-1", device("cam-1"));
    ObjectNode phone = device("phone-1").put("deviceClass", "phone");
    phone.putArray("precisions").add("FP32").add("INT8");
    ((ObjectNode) phone.get("sensors").get(0)).put("width", 224).put("height", 224).put("channels", 3);
    catalog.putDevice("phone-1", phone);

    Matchmaker.Inventory inventory = matchmaker.inventory();

    assertThat(inventory.byClass()).containsEntry("mcu", 1).containsEntry("phone", 1);
    assertThat(inventory.bySensor()).containsEntry("camera 96x96x1", 1).containsEntry("camera 224x224x3", 1);
    assertThat(inventory.byPrecision()).containsEntry("INT8", 2).containsEntry("BINARY", 1).containsEntry("FP32", 1);
    assertThat(inventory.byStudent()).containsEntry("student-small:1", 2);
  }

  @Test
  void theIndexReloadedFromTheGraphMatchesTheOneKeptInStep() {
    catalog.putDevice("cam-1", device("cam-1"));
    catalog.putVersion(new VersionRef("bundle-a", 1), bundle("bundle-a", 1, "student-small:1", "INT8"));

    CapabilityIndex reloaded = new CapabilityIndex(store);

    assertThat(reloaded.devices()).containsExactlyElementsOf(index.devices());
    assertThat(reloaded.artefacts()).containsExactlyInAnyOrderElementsOf(index.artefacts());
  }

  @Test
  void unknownEntitiesGiveNull() {
    assertThat(matchmaker.devicesFor(new VersionRef("nope", 1), 10)).isNull();
    assertThat(matchmaker.fitFor("nope")).isNull();
  }
}
