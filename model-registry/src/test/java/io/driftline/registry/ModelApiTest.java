package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.RealPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelApiTest extends RegistryTest {

  static final Path DATA = tempDataDir("models");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    register(registry, ModelApiTest.class, DATA);
  }

  private String teacherArtefact(String content) {
    Api.Response r = api().upload(Api.OPERATOR, "application/octet-stream", content.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
    return r.json().get("digest").asString();
  }

  @Test
  void registersAModelAndReadsItBack() {
    Api.Response created = api().post("/api/v1/models", Api.OPERATOR,
        Map.of("name", "teacher-a", "kind", "teacher", "description", "big one", "tags", Map.of("team", "vision")));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode model = api().get("/api/v1/models/teacher-a", Api.VIEWER).json();
    assertThat(model.get("kind").asString()).isEqualTo("teacher");
    assertThat(model.get("tags").get("team").asString()).isEqualTo("vision");
    assertThat(model.get("latestVersion").asInt()).isZero();
  }

  @Test
  void duplicateNameIsAConflictAsProblemJson() {
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "dup", "kind", "teacher"));

    Api.Response again = api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "dup", "kind", "student"));

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.isProblem()).as(again.toString()).isTrue();
    assertThat(again.json().get("detail").asString()).contains("already registered");
    assertThat(api().get("/api/v1/models/dup", Api.VIEWER).json().get("kind").asString()).isEqualTo("teacher");
  }

  @Test
  void badKindAndBadNameAreRejected() {
    Api.Response kind = api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "x", "kind", "giraffe"));
    Api.Response name = api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "a b/c", "kind", "teacher"));
    Api.Response json = api().post("/api/v1/models", Api.OPERATOR, "{not json");

    assertThat(kind.status()).isEqualTo(400);
    assertThat(kind.json().get("detail").asString()).contains("student, teacher, bundle");
    assertThat(name.status()).isEqualTo(400);
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.isProblem()).isTrue();
  }

  @Test
  void unknownIdsAre404ProblemJson() {
    Api.Response model = api().get("/api/v1/models/nope", Api.VIEWER);
    Api.Response version = api().get("/api/v1/models/nope/versions/3", Api.VIEWER);
    Api.Response artefact = api().get("/api/v1/artefacts/" + "0".repeat(64), Api.VIEWER);

    assertThat(List.of(model.status(), version.status(), artefact.status())).containsOnly(404);
    assertThat(model.isProblem() && version.isProblem() && artefact.isProblem()).isTrue();
    assertThat(version.json().get("detail").asString()).contains("no model of that name");
  }

  @Test
  void versionsRecordLineageMetricsAndAreNumberedFromOne() {
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "teacher-l", "kind", "teacher"));
    String d1 = teacherArtefact("weights one");
    String d2 = teacherArtefact("weights two");

    Api.Response v1 = api().post("/api/v1/models/teacher-l/versions", Api.OPERATOR,
        Map.of("digest", d1, "metrics", Map.of("accuracy", 0.91)));
    Api.Response v2 = api().post("/api/v1/models/teacher-l/versions", Api.OPERATOR, Map.of("digest", d2,
        "lineage", Map.of("teacher", "teacher-l:1", "sampleIds", List.of("s1", "s2"), "incidentId", "inc-7",
            "hyperParameters", Map.of("lr", 0.01), "codeVersion", "abc123")));

    assertThat(v1.status()).as(v1.toString()).isEqualTo(201);
    assertThat(v1.json().get("version").asInt()).isEqualTo(1);
    assertThat(v1.json().get("metrics").get("accuracy").asDouble()).isEqualTo(0.91);
    assertThat(v2.json().get("version").asInt()).isEqualTo(2);
    JsonNode lineage = api().get("/api/v1/models/teacher-l/versions/2", Api.VIEWER).json().get("lineage");
    assertThat(lineage.get("teacher").asString()).isEqualTo("teacher-l:1");
    assertThat(lineage.get("sampleIds").size()).isEqualTo(2);
    assertThat(lineage.get("codeVersion").asString()).isEqualTo("abc123");
    JsonNode byIncident = api().get("/api/v1/versions?incidentId=inc-7", Api.VIEWER).json();
    assertThat(byIncident.get("items").size()).isEqualTo(1);
    assertThat(byIncident.get("items").get(0).get("version").asInt()).isEqualTo(2);
    assertThat(api().get("/api/v1/versions?teacher=teacher-l:1", Api.VIEWER).json().get("items").size()).isEqualTo(1);
  }

  @Test
  void expectedVersionCreatesThatNumberOrNothing() {
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "teacher-e", "kind", "teacher"));
    String d1 = teacherArtefact("expected one");
    String d2 = teacherArtefact("expected two");

    Api.Response first = api().post("/api/v1/models/teacher-e/versions", Api.OPERATOR,
        Map.of("digest", d1, "expectedVersion", 1));
    Api.Response stale = api().post("/api/v1/models/teacher-e/versions", Api.OPERATOR,
        Map.of("digest", d2, "expectedVersion", 1));
    Api.Response ahead = api().post("/api/v1/models/teacher-e/versions", Api.OPERATOR,
        Map.of("digest", d2, "expectedVersion", 3));
    Api.Response zero = api().post("/api/v1/models/teacher-e/versions", Api.OPERATOR,
        Map.of("digest", d2, "expectedVersion", 0));

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.json().get("version").asInt()).isEqualTo(1);
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.isProblem()).as(stale.toString()).isTrue();
    assertThat(stale.json().get("detail").asString()).contains("model teacher-e is at version 1; expected to create 1");
    assertThat(ahead.status()).isEqualTo(409);
    assertThat(ahead.json().get("detail").asString()).contains("is at version 1; expected to create 3");
    assertThat(zero.status()).isEqualTo(400);
    assertThat(api().get("/api/v1/models/teacher-e", Api.VIEWER).json().get("latestVersion").asInt()).isEqualTo(1);
    assertThat(api().get("/api/v1/versions?digest=" + d2, Api.VIEWER).json().get("items").size()).isZero();
    assertThat(api().get("/api/v1/audit?entityId=teacher-e:2", Api.ADMIN).json().get("items").size()).isZero();

    Api.Response second = api().post("/api/v1/models/teacher-e/versions", Api.OPERATOR,
        Map.of("digest", d2, "expectedVersion", 2));
    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    assertThat(second.json().get("version").asInt()).isEqualTo(2);
  }

  @Test
  void ofTwoConcurrentCreationsWithTheSameExpectedVersionExactlyOneSucceeds() throws Exception {
    int racers = 2;
    for (int round = 0; round < 5; round++) {
      String name = "teacher-race-" + round;
      api().post("/api/v1/models", Api.OPERATOR, Map.of("name", name, "kind", "teacher"));
      List<String> digests = List.of(teacherArtefact(name + " a"), teacherArtefact(name + " b"));
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(racers);
      try {
        List<Future<Api.Response>> answers = new ArrayList<>();
        for (String digest : digests) {
          answers.add(pool.submit(() -> {
            start.await();
            return api().post("/api/v1/models/" + name + "/versions", Api.OPERATOR,
                Map.of("digest", digest, "expectedVersion", 1));
          }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Api.Response> answer : answers) {
          statuses.add(answer.get(60, TimeUnit.SECONDS).status());
        }

        assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(201, 409);
      } finally {
        pool.shutdownNow();
      }
      JsonNode versions = api().get("/api/v1/models/" + name + "/versions", Api.VIEWER).json().get("items");
      assertThat(versions.size()).isEqualTo(1);
      assertThat(versions.get(0).get("version").asInt()).isEqualTo(1);
    }
  }

  @Test
  void versionWithUnknownArtefactOrLineageIsRejectedAndNothingIsCreated() {
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "teacher-u", "kind", "teacher"));
    String digest = teacherArtefact("weights u");

    Api.Response noArtefact = api().post("/api/v1/models/teacher-u/versions", Api.OPERATOR,
        Map.of("digest", "a".repeat(64)));
    Api.Response badParent = api().post("/api/v1/models/teacher-u/versions", Api.OPERATOR,
        Map.of("digest", digest, "lineage", Map.of("teacher", "ghost:4")));
    Api.Response badRef = api().post("/api/v1/models/teacher-u/versions", Api.OPERATOR,
        Map.of("digest", digest, "lineage", Map.of("teacher", "no-version")));

    assertThat(noArtefact.status()).isEqualTo(404);
    assertThat(badParent.status()).isEqualTo(422);
    assertThat(badParent.json().get("detail").asString()).contains("ghost:4");
    assertThat(badRef.status()).isEqualTo(400);
    assertThat(api().get("/api/v1/models/teacher-u", Api.VIEWER).json().get("latestVersion").asInt()).isZero();
  }

  @Test
  void aliasesMoveWithHistoryAndInvalidMovesChangeNothing() {
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "teacher-al", "kind", "teacher"));
    api().post("/api/v1/models/teacher-al/versions", Api.OPERATOR, Map.of("digest", teacherArtefact("al 1")));
    api().post("/api/v1/models/teacher-al/versions", Api.OPERATOR, Map.of("digest", teacherArtefact("al 2"),
        "lineage", Map.of("gate", Map.of("passed", false, "accuracyGain", -0.02))));
    api().post("/api/v1/models/teacher-al/versions", Api.OPERATOR, Map.of("digest", teacherArtefact("al 3")));

    Api.Response first = api().put("/api/v1/models/teacher-al/aliases/production", Api.OPERATOR, Map.of("version", 1));
    Api.Response second = api().put("/api/v1/models/teacher-al/aliases/production", Api.OPERATOR, Map.of("version", 3));
    Api.Response rejected = api().put("/api/v1/models/teacher-al/aliases/production", Api.OPERATOR, Map.of("version", 2));
    Api.Response unknown = api().put("/api/v1/models/teacher-al/aliases/production", Api.OPERATOR, Map.of("version", 9));
    Api.Response badName = api().put("/api/v1/models/teacher-al/aliases/Prod!", Api.OPERATOR, Map.of("version", 1));
    Api.Response stale = api().put("/api/v1/models/teacher-al/aliases/production", Api.OPERATOR,
        Map.of("version", 1, "expectedVersion", 1));

    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(second.json().get("previousVersion").asInt()).isEqualTo(1);
    assertThat(rejected.status()).isEqualTo(409);
    assertThat(rejected.json().get("detail").asString()).contains("REJECTED");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(badName.status()).isEqualTo(400);
    assertThat(stale.status()).isEqualTo(409);
    assertThat(api().get("/api/v1/models/teacher-al/aliases/production", Api.VIEWER).json().get("version").asInt())
        .isEqualTo(3);
    JsonNode history = api().get("/api/v1/models/teacher-al/aliases/production/history", Api.VIEWER).json().get("items");
    assertThat(history.size()).isEqualTo(2);
    assertThat(history.get(1).get("version").asInt()).isEqualTo(3);
    assertThat(api().get("/api/v1/models/teacher-al", Api.VIEWER).json().get("aliases").get("production").asInt())
        .isEqualTo(3);
  }

  @Test
  void searchFiltersByKindNameAndTags() {
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "search-t1", "kind", "teacher", "tags", Map.of("env", "prod")));
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "search-t2", "kind", "teacher", "tags", Map.of("env", "dev")));
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "search-b1", "kind", "bundle", "tags", Map.of("env", "prod")));

    JsonNode prodTeachers = api().get("/api/v1/models?kind=teacher&nameContains=SEARCH&tag=env:prod", Api.VIEWER).json();
    JsonNode bundles = api().get("/api/v1/models?kind=bundle&nameContains=search", Api.VIEWER).json();

    assertThat(prodTeachers.get("items").size()).isEqualTo(1);
    assertThat(prodTeachers.get("items").get(0).get("name").asString()).isEqualTo("search-t1");
    assertThat(bundles.get("items").get(0).get("name").asString()).isEqualTo("search-b1");
    assertThat(api().get("/api/v1/models?cursor=garbage", Api.VIEWER).status()).isEqualTo(400);
    assertThat(api().get("/api/v1/models?limit=0", Api.VIEWER).status()).isEqualTo(400);
  }

  @Test
  void tagsCanBeChangedAndRemoved() {
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "tagged", "kind", "teacher", "tags", Map.of("a", "1", "b", "2")));

    java.util.Map<String, Object> tags = new java.util.HashMap<>();
    tags.put("a", null);
    tags.put("c", "3");
    Api.Response patched = api().sendPatch("/api/v1/models/tagged", Api.OPERATOR, Map.of("tags", tags));

    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    JsonNode t = patched.json().get("tags");
    assertThat(t.has("a")).isFalse();
    assertThat(t.get("b").asString()).isEqualTo("2");
    assertThat(t.get("c").asString()).isEqualTo("3");
  }
}
