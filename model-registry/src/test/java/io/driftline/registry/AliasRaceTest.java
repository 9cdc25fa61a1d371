package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.RealPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Two promotions of the same alias racing each other. */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AliasRaceTest extends RegistryTest {

  static final Path DATA = tempDataDir("race");
  static final ExecutorService POOL = Executors.newFixedThreadPool(2);
  static final int ROUNDS = 20;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    register(registry, AliasRaceTest.class, DATA);
  }

  @AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  private String model;

  @BeforeEach
  void modelWithThreeVersions() {
    model = "race-" + System.nanoTime();
    api().post("/api/v1/models", Api.OPERATOR, Map.of("name", model, "kind", "teacher"));
    for (int v = 1; v <= 3; v++) {
      String digest = api().upload(Api.OPERATOR, "application/octet-stream",
          (model + v).getBytes(StandardCharsets.UTF_8)).json().get("digest").asString();
      api().post("/api/v1/models/" + model + "/versions", Api.OPERATOR, Map.of("digest", digest));
    }
  }

  private List<Api.Response> race(Map<String, Object> first, Map<String, Object> second) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    String path = "/api/v1/models/" + model + "/aliases/production";
    List<Callable<Api.Response>> calls = List.of(
        () -> { start.await(); return api().put(path, Api.OPERATOR, first); },
        () -> { start.await(); return api().put(path, Api.OPERATOR, second); });
    List<Api.Response> out = new ArrayList<>();
    for (Future<Api.Response> f : POOL.invokeAll(calls)) {
      out.add(f.get());
    }
    return out;
  }

  @Test
  void unconditionalPromotionsBothSucceedOneAfterTheOtherAndHistoryIsAChain() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      List<Api.Response> results = race(Map.of("version", 1), Map.of("version", 2));
      assertThat(results).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
    }

    JsonNode history = api().get("/api/v1/models/" + model + "/aliases/production/history?limit=500",
        Api.VIEWER).json().get("items");
    assertThat(history.size()).isEqualTo(2 * ROUNDS);
    assertThat(history.get(0).get("previousVersion").isNull()).isTrue();
    for (int i = 1; i < history.size(); i++) {
      // each move saw the move committed before it: no lost update
      assertThat(history.get(i).get("previousVersion").asInt()).isEqualTo(history.get(i - 1).get("version").asInt());
    }
    int current = api().get("/api/v1/models/" + model + "/aliases/production", Api.VIEWER).json().get("version").asInt();
    assertThat(current).isEqualTo(history.get(history.size() - 1).get("version").asInt());
  }

  @Test
  void compareAndSetPromotionsFromTheSameStateLetExactlyOneWin() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      int current = round == 0 ? 0
          : api().get("/api/v1/models/" + model + "/aliases/production", Api.VIEWER).json().get("version").asInt();
      // both move the alias away from where it is now, to two different versions
      List<Integer> targets = new ArrayList<>(List.of(1, 2, 3));
      targets.remove(Integer.valueOf(current));
      List<Api.Response> results = race(Map.of("version", targets.get(0), "expectedVersion", current),
          Map.of("version", targets.get(1), "expectedVersion", current));

      List<Integer> statuses = results.stream().map(Api.Response::status).sorted().toList();
      assertThat(statuses).as(results.toString()).containsExactly(200, 409);
      Api.Response loser = results.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
      assertThat(loser.isProblem()).isTrue();
    }

    JsonNode history = api().get("/api/v1/models/" + model + "/aliases/production/history?limit=500",
        Api.VIEWER).json().get("items");
    assertThat(history.size()).isEqualTo(ROUNDS);
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).get("previousVersion").asInt()).isEqualTo(history.get(i - 1).get("version").asInt());
    }
  }
}
