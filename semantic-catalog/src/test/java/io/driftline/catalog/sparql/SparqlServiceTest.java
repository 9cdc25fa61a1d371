package io.driftline.catalog.sparql;

import static io.driftline.catalog.Descriptions.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.catalog.Descriptions;
import io.driftline.catalog.graph.Catalog;
import io.driftline.catalog.graph.CatalogStore;
import io.driftline.catalog.graph.DescriptionMapper;
import io.driftline.catalog.shapes.ShapeValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The SPARQL endpoint's guards on a real TDB2 dataset: read-only, bound parameters, timeout, limit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparqlServiceTest {

  private static final String PREFIX = "PREFIX dl: <https://driftline.io/ns#>\n";

  @TempDir
  static Path folder;

  CatalogStore store;
  SparqlService sparql;

  @BeforeAll
  void fill() {
    store = new CatalogStore(folder.resolve("tdb2"));
    Catalog catalog = new Catalog(store, new DescriptionMapper(), new ShapeValidator());
    for (int i = 0; i < 40; i++) {
      catalog.putDevice("cam-" + i, device("cam-" + i).put("deviceClass", i % 2 == 0 ? "mcu" : "phone"));
    }
    sparql = new SparqlService(store, Duration.ofMillis(500), 25);
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void aBoundValueSelectsLikeALiteral() {
    String body = select(PREFIX + "SELECT ?id WHERE { ?d dl:deviceClass ?cls ; dl:deviceId ?id }",
        Map.of("cls", "\"phone\""));

    assertThat(count(body)).isEqualTo(20);
  }

  @Test
  void injectionThroughABoundValueDoesNotChangeTheQuery() {
    // Pasted into the text, this would close the literal and match every triple.
    String hostile = "phone\" } UNION { ?d ?p ?id } #";
    String body = select(PREFIX + "SELECT ?id WHERE { ?d dl:deviceClass ?cls ; dl:deviceId ?id }",
        Map.of("cls", hostile));

    assertThat(count(body)).isZero();
  }

  @Test
  void injectionThroughAnIriValueIsNotAnIri() {
    String hostile = "<https://driftline.io/id/device/cam-1> } UNION { ?d ?p ?id";
    String body = select(PREFIX + "SELECT ?id WHERE { ?d dl:deviceId ?id . FILTER(?d = ?target) }",
        Map.of("target", hostile));

    assertThat(count(body)).isZero();
  }

  @Test
  void injectionThroughCannedQueryFiltersFindsNothing() {
    FleetQueries queries = new FleetQueries(sparql);

    assertThat(queries.deviceIds("mcu", null, null)).hasSize(20);
    assertThat(queries.deviceIds("mcu\" || true || \"", null, null)).isEmpty();
    assertThat(queries.deviceIds(null, "camera\" . ?device ?p ?o . #", null)).isEmpty();
    assertThat(queries.deviceIds(null, null, "INT8> . ?device ?p ?o . <x")).isEmpty();
    assertThat(queries.deviceIds(null, "camera", "BINARY")).hasSize(25);
  }

  @Test
  void updatesAreRejected() {
    assertThatThrownBy(() -> sparql.query("PREFIX dl: <https://driftline.io/ns#> INSERT DATA { dl:x dl:y dl:z }", Map.of()))
        .isInstanceOf(SparqlRejectedException.class).hasMessageContaining("read-only");
    assertThatThrownBy(() -> sparql.query("DROP ALL", Map.of()))
        .isInstanceOf(SparqlRejectedException.class).hasMessageContaining("read-only");
    assertThat(count(select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", Map.of()))).isEqualTo(1);
  }

  @Test
  void fromAndServiceAreRejected() {
    assertThatThrownBy(() -> sparql.query("SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }", Map.of()))
        .isInstanceOf(SparqlRejectedException.class).hasMessageContaining("FROM");
    assertThatThrownBy(() -> sparql.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", Map.of()))
        .isInstanceOf(SparqlRejectedException.class).hasMessageContaining("SERVICE");
  }

  @Test
  void malformedQueriesAndVariableNamesAreRejected() {
    assertThatThrownBy(() -> sparql.query("SELECT WHERE {", Map.of()))
        .isInstanceOf(SparqlRejectedException.class).hasMessageContaining("does not parse");
    assertThatThrownBy(() -> sparql.query("SELECT * WHERE { ?s ?p ?o }", Map.of("s }", "1")))
        .isInstanceOf(SparqlRejectedException.class).hasMessageContaining("not a variable name");
    String huge = "SELECT * WHERE { ?s ?p ?o } #" + "x".repeat(SparqlService.MAX_QUERY_CHARS);
    assertThatThrownBy(() -> sparql.query(huge, Map.of()))
        .isInstanceOf(SparqlRejectedException.class).hasMessageContaining("at most 65536 are accepted");
  }

  @Test
  void resultsAreCutAtTheLimit() {
    SparqlResult result = sparql.query("SELECT * WHERE { ?s ?p ?o }", Map.of());

    assertThat(count(new String(result.body(), StandardCharsets.UTF_8))).isEqualTo(25);
    assertThat(result.limitApplied()).isEqualTo(25);
  }

  @Test
  void anExpensiveQueryIsCancelledAndTheServiceStillAnswers() {
    String expensive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";

    assertThatThrownBy(() -> sparql.query(expensive, Map.of()))
        .isInstanceOf(SparqlTimeoutException.class).hasMessageContaining("ran longer than 500 ms");
    assertThat(count(select(PREFIX + "SELECT ?id WHERE { ?d dl:deviceId ?id }", Map.of()))).isEqualTo(25);
  }

  private String select(String query, Map<String, String> bindings) {
    return new String(sparql.query(query, bindings).body(), StandardCharsets.UTF_8);
  }

  private static int count(String resultsJson) {
    var bindings = Descriptions.JSON.readTree(resultsJson).path("results").path("bindings");
    return bindings.size();
  }
}
