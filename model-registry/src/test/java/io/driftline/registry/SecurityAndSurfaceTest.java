package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.RealPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Tokens and roles, and the public surface: health, Prometheus, OpenAPI, the public key. */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecurityAndSurfaceTest extends RegistryTest {

  static final Path DATA = tempDataDir("security");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    register(registry, SecurityAndSurfaceTest.class, DATA);
  }

  @Test
  void missingWrongAndMalformedTokensAre401ProblemJson() {
    Api.Response none = api().get("/api/v1/models", null);
    Api.Response wrong = api().get("/api/v1/models", "not-a-token");
    Api.Response write = api().post("/api/v1/models", "not-a-token", Map.of("name", "m", "kind", "teacher"));

    assertThat(none.status()).isEqualTo(401);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(write.status()).isEqualTo(401);
    assertThat(none.isProblem() && wrong.isProblem()).isTrue();
    assertThat(wrong.json().get("detail").asString()).contains("unknown");
    assertThat(api().get("/api/v1/models/m", Api.VIEWER).status()).isEqualTo(404);
  }

  @Test
  void aViewerMayReadButNotWrite() {
    Api.Response read = api().get("/api/v1/models", Api.VIEWER);
    Api.Response write = api().post("/api/v1/models", Api.VIEWER, Map.of("name", "viewer-made", "kind", "teacher"));
    Api.Response upload = api().upload(Api.VIEWER, "application/octet-stream", new byte[] {1});
    Api.Response audit = api().get("/api/v1/audit", Api.VIEWER);

    assertThat(read.status()).isEqualTo(200);
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.isProblem()).isTrue();
    assertThat(upload.status()).isEqualTo(403);
    assertThat(audit.status()).isEqualTo(403);
    assertThat(api().get("/api/v1/models/viewer-made", Api.VIEWER).status()).isEqualTo(404);
  }

  @Test
  void anAdminMayDoWhatAnOperatorMay() {
    Api.Response r = api().post("/api/v1/models", Api.ADMIN, Map.of("name", "admin-made", "kind", "teacher"));

    assertThat(r.status()).isEqualTo(201);
    assertThat(api().get("/api/v1/audit?entityId=admin-made", Api.ADMIN).json().get("items").get(0)
        .get("actor").asString()).isEqualTo("test-admin");
  }

  @Test
  void healthPrometheusOpenApiAndPublicKeyNeedNoToken() {
    Api.Response health = api().get("/actuator/health", null);
    Api.Response prometheus = api().get("/actuator/prometheus", null);
    Api.Response openapi = api().get("/v3/api-docs", null);
    Api.Response key = api().get("/api/v1/signing-key", null);

    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.body()).contains("driftline_registry_outbox_pending");
    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.body()).contains("/api/v1/models/{name}/aliases/{alias}", "/api/v1/rollouts", "/api/v1/artefacts");
    assertThat(key.json().get("algorithm").asString()).isEqualTo("Ed25519");
    assertThat(key.json().get("keyId").asString()).hasSize(16);
  }

  @Test
  void unknownPathsAreProblemJsonToo() {
    Api.Response r = api().get("/api/v1/nothing-here", Api.VIEWER);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.isProblem()).as(r.toString()).isTrue();
  }
}
