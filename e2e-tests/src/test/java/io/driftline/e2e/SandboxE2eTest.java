package io.driftline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's main command, end to end: the sandbox jar in a child JVM starts its embedded broker
 * and every service (each in a JVM of its own) on a database of this test, on the quick models the
 * closed-loop tests use (bootstrapped once per JVM), runs six simulated devices of three classes
 * through a low-contrast scenario ({@code scenarios/sandbox-e2e.yaml}: clean, a long spell of
 * contrast at severity 3, clean, the same again) and exits. The test then checks the outcome against the report and against the services'
 * own databases.
 */
class SandboxE2eTest {

  /**
   * The share of the teacher-student accuracy gap that adaptation must close on the drifted frames: the
   * reference evaluation (docs/adaptation.md, section 8) closed about a third of the gap at severity
   * 3 with prompt and adaptor (34 %); this asks for a quarter.
   */
  static final double GAP_SHARE = 0.25;
  /**
   * Points subtracted from each student's required gain: the quick models' model cards measure a
   * corruption on 100 images, so a card's gap is uncertain by about that much.
   */
  static final double CARD_TOLERANCE_POINTS = 2;
  /** The scenario's drifted domain, and its family and severity as the model cards name them. */
  static final String DOMAIN = "contrast@3";
  static final String FAMILY = "contrast";
  static final String SEVERITY = "3";
  static final JsonMapper JSON = JsonMapper.builder().build();

  static TestDatabase db;
  static Path out;
  static JsonNode report;
  static String console;

  @BeforeAll
  static void runSandbox() throws Exception {
    db = PostgresTestServer.shared().createDatabase("sandbox");
    out = Files.createTempDirectory("sandbox-e2e-");
    Path jar = Path.of("..", "sandbox", "target", "sandbox.jar").toAbsolutePath().normalize();
    assertThat(jar).as("package the sandbox first (the reactor does)").isRegularFile();
    String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user()
        + (db.password().isEmpty() ? "" : "&password=" + db.password());
    Path log = out.resolve("sandbox.log");
    Path scenario = Path.of(SandboxE2eTest.class.getResource("/scenarios/sandbox-e2e.yaml").toURI());
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-jar", jar.toString(), "--exit", "--models", TeacherFleet.quickModels().toString(),
        "--devices", "6", "--scenario", scenario.toString(), "--postgres-url", url, "--out", out.resolve("run").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(12, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String text = Files.readString(log);
    console = text;
    assertThat(done).as("sandbox finished within 12 minutes:\n" + tail(text)).isTrue();
    assertThat(p.exitValue()).as("sandbox exit code:\n" + tail(text)).isZero();
    report = JSON.readTree(out.resolve("run/report.json").toFile());
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void printsProgressAndTheConsoleUrlAndFinishesWithAReport() {
    assertThat(console).contains("Kafka is up at", "model-registry is up at", "cloud-teacher is up at",
        "console: http://127.0.0.1:", "enrolled 6 devices", "first adapted device", "report: ");
    assertThat(out.resolve("run/report.json")).isRegularFile();
    assertThat(report.path("devices")).hasSize(6);
    Set<String> classes = new HashSet<>();
    Set<String> students = new HashSet<>();
    for (JsonNode d : report.path("devices")) {
      classes.add(d.path("deviceClass").asString());
      students.add(d.path("student").asString());
    }
    assertThat(classes).as("device classes").hasSizeGreaterThanOrEqualTo(3);
    assertThat(students).as("students").hasSizeGreaterThanOrEqualTo(2);
  }

  /**
   * On the drifted frames a device classified while a bundle was active, each student's devices
   * together beat their shadows by at least {@link #GAP_SHARE} of that student's gap to the teacher
   * on the domain (from the model cards), less {@link #CARD_TOLERANCE_POINTS}; and the fleet gains
   * overall.
   */
  @Test
  void adaptationBeatsTheShadowStudentOnTheDriftedSegment() throws Exception {
    Map<String, long[]> byStudent = new HashMap<>();
    for (JsonNode d : report.path("devices")) {
      long[] counts = byStudent.computeIfAbsent(d.path("student").asString(), k -> new long[3]);
      for (JsonNode w : d.path("windows")) {
        if (w.path("domain").asString().equals(DOMAIN) && w.path("bundle").isString()) {
          counts[0] += w.path("frames").asLong();
          counts[1] += w.path("correctAdapted").asLong();
          counts[2] += w.path("correctShadow").asLong();
        }
      }
    }
    double teacher = domainAccuracy("teacher");
    long[] fleet = new long[3];
    for (Map.Entry<String, long[]> e : byStudent.entrySet()) {
      long[] c = e.getValue();
      String student = e.getKey().substring(0, e.getKey().indexOf(':'));
      assertThat(c[0]).as("%s frames of %s devices with a bundle active", DOMAIN, student).isGreaterThan(200);
      double gain = 100.0 * (c[1] - c[2]) / c[0];
      double required = GAP_SHARE * 100 * Math.max(0, teacher - domainAccuracy(student)) - CARD_TOLERANCE_POINTS;
      assertThat(gain).as("points %s devices gained over their shadows on %d %s frames", student, c[0], DOMAIN)
          .isGreaterThanOrEqualTo(required);
      for (int i = 0; i < 3; i++) {
        fleet[i] += c[i];
      }
    }
    assertThat(fleet[1]).as("fleet: correct %s frames adapted vs shadow", DOMAIN).isGreaterThan(fleet[2]);
  }

  /** A model's accuracy on the scenario's domain, from its model card. */
  private static double domainAccuracy(String model) throws Exception {
    JsonNode card = JSON.readTree(TeacherFleet.quickModels().resolve(model + ".card.json").toFile());
    JsonNode accuracy = card.path("evaluation").path("perFamily").path(SEVERITY).path(FAMILY);
    assertThat(accuracy.isNumber()).as("%s's card has %s at severity %s", model, FAMILY, SEVERITY).isTrue();
    return accuracy.asDouble();
  }

  @Test
  void everyUploadedSampleReachedTheTeacher() throws Exception {
    Map<String, Long> stored = new HashMap<>();
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT device_id, count(*) FROM teacher.samples GROUP BY device_id")) {
      while (rs.next()) {
        stored.put(rs.getString(1), rs.getLong(2));
      }
    }
    long total = 0;
    for (JsonNode d : report.path("devices")) {
      long uploaded = d.path("samplesUploaded").asLong();
      total += uploaded;
      assertThat(stored.getOrDefault(d.path("deviceId").asString(), 0L)).as("samples of %s", d.path("name").asString())
          .isEqualTo(uploaded);
    }
    assertThat(total).as("samples uploaded by the fleet").isPositive();
  }

  @Test
  void everyDeviceRunsItsDesiredBundleAndNoRejectedBundleReachedOne() throws Exception {
    Set<String> rejected = new HashSet<>();
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT m.name || ':' || v.version FROM registry.model_version v JOIN registry.registered_model m "
            + "ON m.id = v.model_id WHERE v.status = 'REJECTED'")) {
      while (rs.next()) {
        rejected.add(rs.getString(1));
      }
    }
    List<String> seenOnDevices = new ArrayList<>();
    int withBundle = 0;
    for (JsonNode d : report.path("devices")) {
      String desired = d.path("desiredBundle").isString() ? d.path("desiredBundle").asString() : null;
      String reported = d.path("reportedBundle").isString() ? d.path("reportedBundle").asString() : null;
      assertThat(reported).as("reported bundle of %s", d.path("name").asString()).isEqualTo(desired);
      withBundle += desired == null ? 0 : 1;
      for (JsonNode span : d.path("bundles")) {
        if (span.path("bundle").isString()) {
          seenOnDevices.add(span.path("bundle").asString());
        }
      }
    }
    assertThat(withBundle).as("devices that received an adapted bundle").isPositive();
    assertThat(seenOnDevices).as("bundles that ran on devices").isNotEmpty();
    assertThat(rejected).as("REJECTED versions among the bundles that ran on devices").doesNotContainAnyElementsOf(seenOnDevices);
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
  }
}
