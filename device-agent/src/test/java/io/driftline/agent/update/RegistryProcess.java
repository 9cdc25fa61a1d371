package io.driftline.agent.update;

import io.driftline.testsupport.KafkaTestBroker;
import io.driftline.testsupport.ServiceProcess;
import io.driftline.testsupport.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the real model registry (its executable jar, built by the reactor) in a child JVM on a free
 * port, against a test database and the shared broker, with one operator token; and calls its API.
 */
final class RegistryProcess implements AutoCloseable {

  static final String OPERATOR = "agent-test-operator-token";
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final ServiceProcess service;
  private final HttpClient http = HttpClient.newHttpClient();
  final int port;
  final Path dataDir;
  final String desiredStateTopic;

  RegistryProcess(TestDatabase database, Path dataDir, String topicSuffix, List<String> trustedKeys)
      throws IOException, InterruptedException {
    this.dataDir = dataDir;
    this.desiredStateTopic = "fleet.desired-state." + topicSuffix;
    List<String> args = new ArrayList<>(List.of(
        "--spring.datasource.url=" + database.jdbcUrl(),
        "--spring.datasource.username=" + database.user(),
        "--spring.datasource.password=" + database.password(),
        "--spring.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrap(),
        "--driftline.registry.artefacts.directory=" + dataDir.resolve("blobs"),
        "--driftline.registry.signing.key-file=" + dataDir.resolve("signing-key.pem"),
        "--driftline.registry.topics.registry-events=registry.events." + topicSuffix,
        "--driftline.registry.topics.desired-state=" + desiredStateTopic,
        "--driftline.registry.topics.partitions=2",
        "--driftline.registry.security.tokens[0].name=agent-test-operator",
        "--driftline.registry.security.tokens[0].role=ADMIN",
        "--driftline.registry.security.tokens[0].token=" + OPERATOR));
    for (int i = 0; i < trustedKeys.size(); i++) {
      args.add("--driftline.registry.signing.trusted-keys[" + i + "]=" + trustedKeys.get(i));
    }
    service = ServiceProcess.start("model-registry", List.of("-Xmx384m"), args, ServiceProcess.freePort(),
        dataDir.resolve("registry.log"), Duration.ofSeconds(120));
    port = service.port();
  }

  String url() {
    return service.url();
  }

  private URI uri(String path) {
    return URI.create(url() + path);
  }

  JsonNode upload(String mediaType, byte[] body) throws IOException, InterruptedException {
    return call(HttpRequest.newBuilder(uri("/api/v1/artefacts")).header("Content-Type", mediaType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), 200, 201);
  }

  JsonNode post(String path, Map<String, Object> body) throws IOException, InterruptedException {
    return call(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), 200, 201);
  }

  JsonNode put(String path, Map<String, Object> body) throws IOException, InterruptedException {
    return call(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), 200, 201);
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return call(HttpRequest.newBuilder(uri(path)).GET(), 200, 200);
  }

  private JsonNode call(HttpRequest.Builder request, int ok, int alsoOk) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + OPERATOR).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != ok && response.statusCode() != alsoOk) {
      throw new IllegalStateException("registry answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    service.close();
  }
}
