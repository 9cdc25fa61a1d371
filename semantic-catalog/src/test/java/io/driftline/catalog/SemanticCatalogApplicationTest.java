package io.driftline.catalog;

import static io.driftline.catalog.Descriptions.bundle;
import static io.driftline.catalog.Descriptions.device;
import static io.driftline.catalog.Descriptions.student;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.HttpProbe;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.TestProperties;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The catalog's HTTP API as a client sees it: descriptions with SHACL 422s, matchmaking, SPARQL. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealKafka
class SemanticCatalogApplicationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String PROBLEM_JSON = "application/problem+json";

  @Value("${local.server.port}")
  int port;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestProperties.register(registry, SemanticCatalogApplicationTest.class);
    registry.add("driftline.catalog.dataset", TestDatasets::newFolder);
    registry.add("driftline.catalog.events.enabled", () -> "false");
    registry.add("driftline.catalog.sparql.timeout", () -> "500ms");
  }

  @Test
  void reportsHealthUp() throws Exception {
    HttpResponse<String> response = HttpProbe.get(port, "/actuator/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"");
  }

  @Test
  void anInvalidDeviceGets422WithTheShaclReport() throws Exception {
    HttpResponse<String> response = send("PUT", "/catalog/devices/bad-1", "application/json",
        device("bad-1").put("ramBytes", -1).toString());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
    JsonNode problem = Descriptions.JSON.readTree(response.body());
    assertThat(problem.path("title").asString()).isEqualTo("Description does not conform to the catalog shapes");
    assertThat(problem.path("violations").get(0).path("path").asString()).isEqualTo("dl:ramBytes");
    assertThat(problem.path("violations").get(0).path("message").asString()).contains("ramBytes must be");
    assertThat(problem.path("shaclReport").asString()).contains("sh:ValidationReport");
    assertThat(HttpProbe.get(port, "/catalog/devices/bad-1").statusCode()).isEqualTo(404);
  }

  @Test
  void aValidDeviceIsStoredAndReadBackAsTurtle() throws Exception {
    HttpResponse<String> put = send("PUT", "/catalog/devices/cam-http", "application/json",
        device("cam-http").toString());
    HttpResponse<String> turtle = HttpProbe.get(port, "/catalog/devices/cam-http");

    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(turtle.statusCode()).isEqualTo(200);
    assertThat(turtle.body()).contains("sosa:Platform").contains("sosa:hosts").contains("dl:ramBytes");
  }

  @Test
  void validationChecksAModelVersionWithoutStoringIt() throws Exception {
    ObjectNode underived = bundle("bundle-v", 1, "student-small:1", "INT8");
    ((ObjectNode) underived.get("lineage")).remove("parentStudent");
    ((ObjectNode) underived.get("requirements")).remove("student");

    HttpResponse<String> invalid = send("POST", "/catalog/validation/models/bundle-v/versions/1",
        "application/json", underived.toString());
    HttpResponse<String> valid = send("POST", "/catalog/validation/models/bundle-v/versions/1",
        "application/json", bundle("bundle-v", 1, "student-small:1", "INT8").toString());

    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(invalid.body()).contains("which student it was derived from");
    assertThat(valid.statusCode()).isEqualTo(200);
    assertThat(valid.body()).contains("\"conforms\":true");
    assertThat(HttpProbe.get(port, "/catalog/models/bundle-v/versions/1").statusCode()).isEqualTo(404);
  }

  @Test
  void matchmakingAnswersBothWays() throws Exception {
    send("PUT", "/catalog/models/student-m/versions/1", "application/json", student("student-m", 1).toString());
    send("PUT", "/catalog/models/bundle-m/versions/1", "application/json",
        bundle("bundle-m", 1, "student-m:1", "BINARY").toString());
    send("PUT", "/catalog/devices/cam-m", "application/json", device("cam-m").put("student", "student-m:1").toString());

    JsonNode devices = json(HttpProbe.get(port, "/catalog/match/artefacts/bundle-m:1/devices"));
    JsonNode fit = json(HttpProbe.get(port, "/catalog/match/devices/cam-m"));
    JsonNode inventory = json(HttpProbe.get(port, "/catalog/inventory"));
    HttpResponse<String> unknown = HttpProbe.get(port, "/catalog/match/devices/nobody");

    assertThat(devices.path("devices").toString()).isEqualTo("[\"cam-m\"]");
    assertThat(fit.path("currentBudget").path("maxAdaptorBytes").asLong()).isEqualTo(262_144);
    assertThat(fit.path("bundles").toString()).contains("bundle-m");
    assertThat(inventory.path("byClass").path("mcu").asInt()).isPositive();
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no device 'nobody' in the catalog");
  }

  @Test
  void deviceFiltersAreBoundNotConcatenated() throws Exception {
    send("PUT", "/catalog/devices/cam-f", "application/json", device("cam-f").put("deviceClass", "filtered").toString());

    JsonNode plain = json(HttpProbe.get(port, "/catalog/devices?class=filtered"));
    JsonNode injected = json(HttpProbe.get(port, "/catalog/devices?class="
        + encode("filtered\" || true || \"") + "&sensorKind=" + encode("camera\" . ?device ?p ?o . #")));

    assertThat(plain.path("devices").toString()).isEqualTo("[\"cam-f\"]");
    assertThat(injected.path("count").asInt()).isZero();
  }

  @Test
  void theSparqlEndpointBindsParametersAndRefusesUpdates() throws Exception {
    send("PUT", "/catalog/devices/cam-s", "application/json", device("cam-s").put("deviceClass", "sparql").toString());
    String query = "PREFIX dl: <https://driftline.io/ns#> SELECT ?id WHERE { ?d dl:deviceClass ?cls ; dl:deviceId ?id }";

    JsonNode bound = json(HttpProbe.get(port, "/sparql?query=" + encode(query) + "&%24cls=" + encode("\"sparql\"")));
    JsonNode injected = json(HttpProbe.get(port, "/sparql?query=" + encode(query) + "&%24cls="
        + encode("sparql\" } UNION { ?d ?p ?id } #")));
    HttpResponse<String> update = send("POST", "/sparql", "application/sparql-query", "DROP ALL");
    HttpResponse<String> posted = send("POST", "/sparql", "application/sparql-query", "ASK { ?s ?p ?o }");

    assertThat(bound.path("results").path("bindings").size()).isEqualTo(1);
    assertThat(injected.path("results").path("bindings").size()).isZero();
    assertThat(update.statusCode()).isEqualTo(400);
    assertThat(update.body()).contains("read-only");
    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(posted.body()).contains("\"boolean\" : true");
  }

  @Test
  void anExpensiveSparqlQueryGets503AndTheServiceStillAnswers() throws Exception {
    for (int i = 0; i < 10; i++) {
      send("PUT", "/catalog/devices/cam-t" + i, "application/json", device("cam-t" + i).toString());
    }
    String expensive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";

    HttpResponse<String> cancelled = HttpProbe.get(port, "/sparql?query=" + encode(expensive));
    HttpResponse<String> after = HttpProbe.get(port, "/sparql?query=" + encode("SELECT * WHERE { ?s ?p ?o } LIMIT 3"));

    assertThat(cancelled.statusCode()).isEqualTo(503);
    assertThat(cancelled.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
    assertThat(cancelled.body()).contains("ran longer than 500 ms");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(json(after).path("results").path("bindings").size()).isEqualTo(3);
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Descriptions.JSON.readTree(response.body());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
