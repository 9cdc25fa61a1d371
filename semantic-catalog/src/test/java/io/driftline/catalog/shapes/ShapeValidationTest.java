package io.driftline.catalog.shapes;

import static io.driftline.catalog.Descriptions.bundle;
import static io.driftline.catalog.Descriptions.device;
import static io.driftline.catalog.Descriptions.student;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore;
import io.driftline.catalog.graph.DescriptionException;
import io.driftline.catalog.graph.DescriptionMapper;
import io.driftline.catalog.vocab.DL;
import io.driftline.catalog.vocab.Iris;
import io.driftline.catalog.vocab.VersionRef;
import java.nio.file.Path;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.vocabulary.RDF;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** Each kind of bad description is rejected by the SHACL shapes with a report, and nothing is stored. */
class ShapeValidationTest {

  @TempDir
  Path folder;

  CatalogStore store;
  Catalog catalog;
  final ShapeValidator validator = new ShapeValidator();
  final DescriptionMapper mapper = new DescriptionMapper();

  @BeforeEach
  void open() {
    store = new CatalogStore(folder.resolve("tdb2"));
    catalog = new Catalog(store, mapper, validator);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void validDeviceAndVersionsAreStored() {
    catalog.putDevice("cam-1", device("cam-1"));
    catalog.putVersion(new VersionRef("student-small", 1), student("student-small", 1));
    catalog.putVersion(new VersionRef("bundle-a", 1), bundle("bundle-a", 1, "student-small:1", "INT8"));

    assertThat(store.graph(Iris.deviceGraph("cam-1")).contains(null, DL.ramBytes)).isTrue();
    assertThat(store.graph(Iris.versionGraph("bundle-a", 1)).isEmpty()).isFalse();
  }

  @Test
  void deviceWithoutItsClassTypeIsRejected() {
    Model m = mapper.device("cam-1", device("cam-1"));
    Resource d = m.getResource(Iris.device("cam-1"));
    m.remove(d, RDF.type, DL.Device);

    assertThatThrownBy(() -> validator.check("device cam-1", m.getGraph()))
        .isInstanceOfSatisfying(ShapeViolationException.class, e -> assertThat(e.violations())
            .anySatisfy(v -> assertThat(v.message()).contains("typed dl:Device")));
  }

  @Test
  void deviceWithoutDeviceClassIsRejected() {
    ObjectNode d = device("cam-1");
    d.remove("deviceClass");
    assertRejectedDevice(d, "dl:deviceClass", "exactly one deviceClass");
  }

  @Test
  void negativeRamIsRejected() {
    assertRejectedDevice(device("cam-1").put("ramBytes", -1), "dl:ramBytes", "ramBytes must be");
  }

  @Test
  void ramGivenAsTextIsRejected() {
    assertRejectedDevice(device("cam-1").put("ramBytes", "lots"), "dl:ramBytes", "ramBytes must be");
  }

  @Test
  void unknownPrecisionIsRejected() {
    ObjectNode d = device("cam-1");
    d.putArray("precisions").add("INT8").add("FP16");
    assertRejectedDevice(d, "dl:supportsPrecision", "FP32, INT8, BINARY");
  }

  @Test
  void sensorWithoutResolutionIsRejected() {
    ObjectNode d = device("cam-1");
    ObjectNode sensor = (ObjectNode) d.get("sensors").get(0);
    sensor.remove("width");
    sensor.remove("height");
    sensor.remove("channels");
    assertRejectedDevice(d, null, "sensor needs exactly one resolution");
  }

  @Test
  void zeroWidthSensorIsRejected() {
    ObjectNode d = device("cam-1");
    ((ObjectNode) d.get("sensors").get(0)).put("width", 0);
    assertRejectedDevice(d, "dl:widthPixels", "width >= 1");
  }

  @Test
  void deviceWithoutSensorsIsRejected() {
    ObjectNode d = device("cam-1");
    d.putArray("sensors");
    assertRejectedDevice(d, "sosa:hosts", "at least one sosa:Sensor");
  }

  @Test
  void bundleWithoutDerivationIsRejected() {
    ObjectNode b = bundle("bundle-a", 1, "student-small:1", "INT8");
    ((ObjectNode) b.get("lineage")).remove("parentStudent");
    ((ObjectNode) b.get("requirements")).remove("student");

    assertRejectedVersion("bundle-a", b, "prov:wasDerivedFrom", "which student it was derived from");
  }

  @Test
  void versionOfUnknownKindIsRejected() {
    assertRejectedVersion("student-small", student("student-small", 1).put("kind", "oracle"), null,
        "exactly one of dl:Student, dl:Teacher, dl:Bundle");
  }

  @Test
  void malformedDigestIsRejected() {
    assertRejectedVersion("student-small", student("student-small", 1).put("digest", "ABC"), "dl:digest", "64 lower-case hex");
  }

  @Test
  void bundleWithUnknownPrecisionIsRejected() {
    assertRejectedVersion("bundle-a", bundle("bundle-a", 1, "student-small:1", "INT4"), "dl:requiresPrecision",
        "FP32, INT8, BINARY");
  }

  @Test
  void payloadNamingAnotherDeviceIsRejectedBeforeShapes() {
    assertThatThrownBy(() -> catalog.putDevice("cam-1", device("cam-2")))
        .isInstanceOf(DescriptionException.class)
        .hasMessageContaining("deviceId 'cam-2' differs from the entity id 'cam-1'");
  }

  @Test
  void aReportListsEveryViolationAtOnce() {
    ObjectNode d = device("cam-1").put("ramBytes", -5).put("flashBytes", 0);
    d.remove("deviceClass");

    assertThatThrownBy(() -> catalog.putDevice("cam-1", d))
        .isInstanceOfSatisfying(ShapeViolationException.class, e -> {
          assertThat(e.violations()).extracting(ShapeViolation::path)
              .contains("dl:ramBytes", "dl:flashBytes", "dl:deviceClass");
          assertThat(e.reportTurtle()).contains("sh:ValidationReport").contains("sh:conforms");
        });
  }

  private void assertRejectedDevice(ObjectNode description, @Nullable String path, String message) {
    assertRejected(() -> catalog.putDevice("cam-1", description), path, message);
  }

  private void assertRejectedVersion(String name, ObjectNode description, @Nullable String path, String message) {
    assertRejected(() -> catalog.putVersion(new VersionRef(name, 1), description), path, message);
  }

  /** Asserts that {@code put} fails with a SHACL violation at {@code path} saying {@code message}, storing nothing. */
  private void assertRejected(ThrowingCallable put, @Nullable String path, String message) {
    assertThatThrownBy(put)
        .isInstanceOfSatisfying(ShapeViolationException.class, e -> assertThat(e.violations())
            .anySatisfy(v -> {
              assertThat(v.message()).contains(message);
              if (path != null) {
                assertThat(v.path()).isEqualTo(path);
              }
              assertThat(v.severity()).isEqualTo("Violation");
            }));
    assertThat(store.graphNames()).isEmpty();
  }
}
