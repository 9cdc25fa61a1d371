package io.driftline.e2e.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.e2e.TeacherFleet;
import io.driftline.testsupport.PostgresTestServer;
import io.driftline.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scale run in small: the sandbox jar with {@code --scale 50} starts the real services on the
 * embedded broker and a database of this test, plays 50 light devices for 25 s and rolls a bundle
 * out to all of them. The test checks that the light devices really flow through the system: every
 * device's telemetry was delivered and the drift detector counted it, the samples landed in the
 * teacher's {@code teacher.samples} table for every device that uploaded, and the rollout's desired
 * state reached every device, which verified the bundle and reported it to the registry.
 */
class ScaleSmokeTest {

  static final int DEVICES = 50;
  static final JsonMapper JSON = JsonMapper.builder().build();
  static TestDatabase db;
  static JsonNode result;
  static List<String> ids;
  static String log;

  @BeforeAll
  static void runScale() throws Exception {
    db = PostgresTestServer.shared().createDatabase("scale");
    Path out = Files.createTempDirectory("scale-smoke-");
    Path jar = Path.of("..", "sandbox", "target", "sandbox.jar").toAbsolutePath().normalize();
    assertThat(jar).as("package the sandbox first (the reactor does)").isRegularFile();
    String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user()
        + (db.password().isEmpty() ? "" : "&password=" + db.password());
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-jar", jar.toString(), "--scale", Integer.toString(DEVICES), "--scale-seconds", "25",
        "--models", TeacherFleet.quickModels().toString(), "--postgres-url", url, "--out", out.resolve("run").toString())
        .redirectErrorStream(true).redirectOutput(out.resolve("scale.log").toFile()).start();
    boolean done = p.waitFor(8, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    log = Files.readString(out.resolve("scale.log"));
    assertThat(done).as("scale run finished within 8 minutes:\n" + log).isTrue();
    assertThat(p.exitValue()).as("scale run exit code:\n" + log).isZero();
    result = JSON.readTree(out.resolve("run/scale.json").toFile());
    ids = new ArrayList<>();
    result.path("deviceIds").forEach(n -> ids.add(n.asString()));
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void everyLightDeviceIsEnrolledInTheRegistry() throws Exception {
    assertThat(ids).hasSize(DEVICES).doesNotHaveDuplicates();
    assertThat(count("SELECT count(*) FROM registry.device WHERE id = ANY(?) AND status = 'ACTIVE'")).isEqualTo(DEVICES);
  }

  @Test
  void everyDevicesTelemetryReachesTheDriftDetector() {
    JsonNode totals = result.path("totals");
    assertThat(totals.path("devicesThatSentTelemetry").asInt()).as(log).isEqualTo(DEVICES);
    long delivered = totals.path("telemetryWindowsDelivered").asLong();
    long counted = totals.path("telemetryWindowsCountedByDetector").asLong();
    // each device closes a window every 25 frames at 10 to 25 fps: at least 10 windows in 40 s
    assertThat(delivered).as(log).isGreaterThanOrEqualTo(10L * DEVICES);
    // the detector counts the windows it processed: it may trail by those still in flight when the
    // metric was read (and count a window twice if a transaction was aborted and redone)
    assertThat(counted).as(log).isGreaterThanOrEqualTo(delivered * 8 / 10);
    assertThat(totals.path("telemetryFailed").asLong()).isZero();
  }

  @Test
  void samplesOfEveryUploadingDeviceLandInTeacherSamples() throws Exception {
    JsonNode totals = result.path("totals");
    int uploading = totals.path("devicesThatUploadedSamples").asInt();
    assertThat(uploading).as(log).isPositive();
    assertThat(count("SELECT count(DISTINCT device_id) FROM teacher.samples WHERE device_id = ANY(?)"))
        .isEqualTo(uploading);
    // every stored sample is one the devices delivered (the intake drops repeats by event id); the
    // fleet plays on during the rollout, so the upper bound is what was delivered when it stopped
    assertThat(count("SELECT count(*) FROM teacher.samples WHERE device_id = ANY(?)"))
        .isGreaterThanOrEqualTo(totals.path("samplesStoredByTeacher").asLong())
        .isLessThanOrEqualTo(result.path("samplesDeliveredAtEnd").asLong());
  }

  @Test
  void theRolloutsDesiredStateReachesEveryDeviceWhichReportsTheBundle() throws Exception {
    JsonNode fanOut = result.path("fanOut");
    assertThat(fanOut.path("desiredStatesSet").asInt()).as(log).isEqualTo(DEVICES);
    assertThat(fanOut.path("devicesWithDesired").asInt()).as(log).isEqualTo(DEVICES);
    assertThat(fanOut.path("devicesReported").asInt()).as(log).isEqualTo(DEVICES);
    Map<String, String> reported = new HashMap<>();
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
        "SELECT device_id, active_bundle FROM registry.reported_state WHERE device_id = ANY(?)")) {
      s.setArray(1, idArray(c));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reported.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    assertThat(reported).hasSize(DEVICES);
    assertThat(reported.values()).allSatisfy(b -> assertThat(b).startsWith("scale.fanout."));
  }

  private static long count(String sql) throws Exception {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setArray(1, idArray(c));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static Array idArray(Connection c) throws Exception {
    return c.createArrayOf("text", ids.toArray());
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }
}
