package io.driftline.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.HttpProbe;
import io.driftline.testsupport.RealPostgres;
import io.driftline.core.events.DriftIncident;
import io.driftline.teacher.intake.IncidentStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TeacherApplicationTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TeacherTestProperties.register(registry, TeacherApplicationTest.class);
    registry.add("driftline.teacher.security.tokens[0].name", () -> "console");
    registry.add("driftline.teacher.security.tokens[0].role", () -> "VIEWER");
    registry.add("driftline.teacher.security.tokens[0].token", () -> VIEWER_TOKEN);
  }

  static final String VIEWER_TOKEN = "viewer-token-of-the-application-test";
  static final HttpClient CLIENT = HttpClient.newHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();

  @Value("${local.server.port}")
  int port;

  @Autowired
  IncidentStore incidents;

  @Test
  void reportsHealthUp() throws Exception {
    HttpResponse<String> response = HttpProbe.get(port, "/actuator/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"");
  }

  @Test
  void exposesTheJobQueueDepthToPrometheus() throws Exception {
    HttpResponse<String> response = HttpProbe.get(port, "/actuator/prometheus");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("driftline_teacher_jobs_queued").contains("driftline_teacher_jobs_running");
  }

  @Test
  void listsIncidentsToAViewerNewestFirstWithKeysetPaging() throws Exception {
    Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
    for (int i = 0; i < 3; i++) {
      incidents.apply(new DriftIncident("api-inc-" + i, "api-dev", DriftIncident.State.OPEN, "page-hinkley",
          "oodScore.mean", 2.5 + i, t0.plusSeconds(i), t0.plusSeconds(i), 100L * i, 100L * i + 4, null, null));
    }

    JsonNode first = JSON.readTree(get("/api/v1/incidents?deviceId=api-dev&limit=2", VIEWER_TOKEN).body());
    JsonNode second = JSON.readTree(get("/api/v1/incidents?deviceId=api-dev&limit=2&cursor="
        + first.get("nextCursor").asString(), VIEWER_TOKEN).body());
    HttpResponse<String> anonymous = get("/api/v1/incidents", null);
    HttpResponse<String> badState = get("/api/v1/incidents?state=SLEEPING", VIEWER_TOKEN);

    assertThat(first.get("items")).extracting(n -> n.get("incidentId").asString()).containsExactly("api-inc-2", "api-inc-1");
    assertThat(first.get("items").get(0).get("statisticValue").asDouble()).isEqualTo(4.5);
    assertThat(first.get("items").get(0).get("jobIds").isArray()).isTrue();
    assertThat(second.get("items")).extracting(n -> n.get("incidentId").asString()).containsExactly("api-inc-0");
    assertThat(second.get("nextCursor").isNull()).isTrue();
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(badState.statusCode()).isEqualTo(400);
    assertThat(badState.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
  }

  private HttpResponse<String> get(String path, @Nullable String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
