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
 * and every service (each in a JVM of its own) on a database of this test, on the quick models
 * the closed-loop tests use (bootstrapped once per JVM), runs six simulated devices of three classes through the default scenario and exits. The test then
 * checks the outcome against the report and against the services' own databases.
 */
class SandboxE2eTest {

  /**
   * Least gain, in accuracy points, of the adapted devices over their shadow students on drifted
   * windows while a bundle is active. The reference evaluation (docs/adaptation.md) measured about
   * 7 points (a third of the 21-point teacher-student gap at severity 3) on the full models; the
   * quick models here have a smaller gap, and sandbox runs measured 8-10 points, so 3 points is a
   * margin that separates real adaptation from noise without being fragile.
   */
  static final double MARGIN_POINTS = 3;
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
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-jar", jar.toString(), "--exit", "--models", TeacherFleet.quickModels().toString(),
        "--devices", "6", "--rounds", "2", "--postgres-url", url, "--out", out.resolve("run").toString())
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

  @Test
  void adaptationBeatsTheShadowStudentOnDriftedWindows() {
    long frames = 0;
    long adapted = 0;
    long shadow = 0;
    for (JsonNode d : report.path("devices")) {
      for (JsonNode w : d.path("windows")) {
        if (!w.path("domain").asString().equals("clean") && w.path("bundle").isString()) {
          frames += w.path("frames").asLong();
          adapted += w.path("correctAdapted").asLong();
          shadow += w.path("correctShadow").asLong();
        }
      }
    }
    assertThat(frames).as("drifted frames seen with a bundle active").isGreaterThan(200);
    double gain = 100.0 * (adapted - shadow) / frames;
    assertThat(gain).as("points gained over the shadow on %d drifted frames", frames).isGreaterThanOrEqualTo(MARGIN_POINTS);
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
    assertThat(seenOnDevices).as("bundles that ran on devices").isNotEmpty().doesNotContainAnyElementsOf(rejected);
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
  }
}
