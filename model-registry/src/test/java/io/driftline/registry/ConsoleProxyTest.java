package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.RealPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console proxy and {@code /api/v1/me}. The teacher here is a {@link StubService} that records
 * what reaches it and answers like the teacher's API (the real teacher is another module); the
 * catalog URL points at a closed port.
 */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleProxyTest extends RegistryTest {

  static final Path DATA = tempDataDir("console-proxy");
  static final String TEACHER_TOKEN = "teacher-token-for-the-registry";
  static final StubService TEACHER = new StubService()
      .on("/api/v1/jobs", StubService.Answer.json(200, "{\"items\":[{\"jobId\":\"job-1\"}],\"nextCursor\":null}"))
      .on("/api/v1/jobs/job-1/retry", StubService.Answer.json(201, "{\"jobId\":\"job-2\",\"retryOf\":\"job-1\"}"))
      .on("/api/v1/jobs/job-9", StubService.Answer.json(404, "{\"status\":404,\"detail\":\"no job job-9\"}"))
      .on("/api/v1/refusing", StubService.Answer.json(401, "{\"status\":401}"))
      .on("/api/v1/slow", StubService.Answer.late(3000))
      .on("/api/v1/stalling", StubService.Answer.stalling(3000));

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    register(registry, ConsoleProxyTest.class, DATA);
    registry.add("driftline.registry.console.teacher-url", () -> TEACHER.url() + "/");
    registry.add("driftline.registry.console.teacher-token", () -> TEACHER_TOKEN);
    registry.add("driftline.registry.console.catalog-url", () -> "http://127.0.0.1:" + closedPort());
    registry.add("driftline.registry.console.timeout", () -> "1s");
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stopTeacher() {
    TEACHER.close();
  }

  @BeforeEach
  void forget() {
    TEACHER.forget();
  }

  @Test
  void meNamesTheTokensHolderAndRole() {
    assertThat(api().get("/api/v1/me", Api.ADMIN).json().get("role").asString()).isEqualTo("ADMIN");
    assertThat(api().get("/api/v1/me", Api.OPERATOR).json().get("name").asString()).isEqualTo("test-operator");
    assertThat(api().get("/api/v1/me", Api.VIEWER).json().get("role").asString()).isEqualTo("VIEWER");
    Api.Response unknown = api().get("/api/v1/me", "no-such-token");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.isProblem()).isTrue();
  }

  @Test
  void aViewerReadsThroughTheProxyWithTheTeachersTokenAndQueryKept() {
    Api.Response jobs = api().get("/console/api/teacher/jobs?state=FAILED&limit=5", Api.VIEWER);

    assertThat(jobs.status()).as(jobs.toString()).isEqualTo(200);
    assertThat(jobs.json().get("items").get(0).get("jobId").asString()).isEqualTo("job-1");
    assertThat(TEACHER.seen()).containsExactly("GET /api/v1/jobs?state=FAILED&limit=5 Bearer " + TEACHER_TOKEN + " ");
  }

  @Test
  void theTeachersOwnErrorsPassThrough() {
    Api.Response missing = api().get("/console/api/teacher/jobs/job-9", Api.VIEWER);

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("detail").asString()).isEqualTo("no job job-9");
  }

  @Test
  void aViewerCannotPostAndTheTeacherNeverHearsOfIt() {
    Api.Response retry = api().post("/console/api/teacher/jobs/job-1/retry", Api.VIEWER, Map.of());
    Api.Response anonymous = api().get("/console/api/teacher/jobs", null);

    assertThat(retry.status()).isEqualTo(403);
    assertThat(retry.isProblem()).isTrue();
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(TEACHER.seen()).isEmpty();
  }

  @Test
  void anOperatorRetriesAJobThroughTheProxy() {
    Api.Response retry = api().post("/console/api/teacher/jobs/job-1/retry", Api.OPERATOR, Map.of());

    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.json().get("retryOf").asString()).isEqualTo("job-1");
    assertThat(TEACHER.seen()).containsExactly("POST /api/v1/jobs/job-1/retry Bearer " + TEACHER_TOKEN + " {}");
  }

  @Test
  void anUnreachableSlowOrRefusingServiceIsABadGatewayNamingIt() {
    long start = System.nanoTime();
    Api.Response slow = api().get("/console/api/teacher/slow", Api.VIEWER);
    long slowMillis = (System.nanoTime() - start) / 1_000_000;
    start = System.nanoTime();
    Api.Response stalling = api().get("/console/api/teacher/stalling", Api.VIEWER);
    long stallingMillis = (System.nanoTime() - start) / 1_000_000;
    Api.Response catalog = api().get("/console/api/catalog/inventory", Api.VIEWER);
    Api.Response refusing = api().get("/console/api/teacher/refusing", Api.VIEWER);

    assertThat(slow.status()).isEqualTo(502);
    assertThat(slow.json().get("title").asString()).isEqualTo("cloud teacher unreachable");
    assertThat(slow.json().get("detail").asString()).contains("no answer within 1.0 s");
    assertThat(slowMillis).isLessThan(2500);
    assertThat(stalling.status()).isEqualTo(502);
    assertThat(stalling.json().get("detail").asString()).contains("no answer within 1.0 s");
    assertThat(stallingMillis).isLessThan(2500);
    assertThat(catalog.status()).isEqualTo(502);
    assertThat(catalog.isProblem()).isTrue();
    assertThat(catalog.json().get("title").asString()).isEqualTo("semantic catalog unreachable");
    assertThat(refusing.status()).isEqualTo(502);
    assertThat(refusing.json().get("detail").asString()).contains("teacher-token");
  }

  @Test
  void pathsThatCouldLeaveTheServicesApiAreRefused() {
    Api.Response dots = api().get("/console/api/teacher/jobs/%2E%2E/%2E%2E/actuator", Api.VIEWER);
    Api.Response oddSegment = api().get("/console/api/teacher/jobs/a%20b", Api.VIEWER);
    Api.Response unknownService = api().get("/console/api/billing/things", Api.VIEWER);

    assertThat(dots.status()).isEqualTo(400);
    assertThat(dots.isProblem()).isTrue();
    assertThat(oddSegment.status()).isEqualTo(400);
    assertThat(oddSegment.json().get("detail").asString()).contains("path segment");
    assertThat(unknownService.status()).isEqualTo(404);
    assertThat(TEACHER.seen()).isEmpty();
  }

  @Test
  void theConsolePageIsServedWithoutAToken() {
    Api.Response index = api().get("/console/", null);
    Api.Response script = api().get("/console/console.js", null);

    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("Driftline console").contains("console.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).doesNotContain("innerHTML");
  }
}
