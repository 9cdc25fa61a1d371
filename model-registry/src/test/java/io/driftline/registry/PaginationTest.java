package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.RealPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Cursor pagination that stays stable while rows are inserted. */
// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PaginationTest extends RegistryTest {

  static final Path DATA = tempDataDir("paging");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    register(registry, PaginationTest.class, DATA);
  }

  @Test
  void pagesNeitherRepeatNorSkipRowsWhileRowsAreInserted() {
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      String name = "page-" + i;
      api().post("/api/v1/models", Api.OPERATOR, Map.of("name", name, "kind", "teacher"));
      before.add(name);
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int inserted = 0;
    do {
      JsonNode page = api().get("/api/v1/models?kind=teacher&limit=5" + (cursor == null ? "" : "&cursor=" + cursor),
          Api.VIEWER).json();
      page.get("items").forEach(m -> seen.add(m.get("name").asString()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
      // between pages, another client registers a model
      api().post("/api/v1/models", Api.OPERATOR, Map.of("name", "late-" + inserted++, "kind", "teacher"));
    } while (cursor != null);

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen.subList(0, before.size())).containsExactlyElementsOf(before);
    // models registered while paging come after the old ones, in order
    List<String> late = seen.subList(before.size(), seen.size());
    assertThat(late).isSortedAccordingTo((a, b) -> Integer.compare(
        Integer.parseInt(a.substring(5)), Integer.parseInt(b.substring(5))));
    assertThat(late).isNotEmpty();
  }

  @Test
  void aPageSizeAboveTheMaximumIsRejected() {
    Api.Response r = api().get("/api/v1/models?limit=100000", Api.VIEWER);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("detail").asString()).contains("limit");
  }
}
