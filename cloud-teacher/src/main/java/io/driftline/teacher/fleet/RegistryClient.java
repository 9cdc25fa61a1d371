package io.driftline.teacher.fleet;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The teacher's view of the model registry's REST API: devices, model versions, artefacts, bundle
 * registration and rollouts, with an operator token.
 */
public final class RegistryClient {

  private final JsonHttp http;

  /** Creates a client for the registry at {@code baseUrl}. */
  public RegistryClient(String baseUrl, String operatorToken, Duration timeout) {
    this.http = new JsonHttp("registry", baseUrl, operatorToken, timeout);
  }

  /**
   * What the teacher needs to know of a device.
   *
   * @param deviceId the device
   * @param deviceClass its class
   * @param student its student, {@code name:version}
   * @param precisions the precisions it runs
   * @param active whether it is enrolled and not revoked
   */
  public record DeviceInfo(String deviceId, String deviceClass, String student, List<String> precisions, boolean active) {}

  /** A device, or empty if the registry does not know it. */
  public Optional<DeviceInfo> device(String deviceId) throws FleetCallException {
    HttpResponse<byte[]> response = http.send(http.request("/api/v1/devices/" + JsonHttp.segment(deviceId)).GET(),
        "device " + deviceId);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw http.failure(response, "device " + deviceId);
    }
    JsonNode d = JsonHttp.JSON.readTree(response.body());
    List<String> precisions = new ArrayList<>();
    d.path("precisions").forEach(p -> precisions.add(p.asString()));
    return Optional.of(new DeviceInfo(d.path("deviceId").asString(), d.path("deviceClass").asString(),
        d.path("student").asString(), List.copyOf(precisions), "ACTIVE".equals(d.path("status").asString())));
  }

  /** A version ({@code GET /models/{name}/versions/{version}}), or empty if it does not exist. */
  public Optional<JsonNode> version(String model, long version) throws FleetCallException {
    HttpResponse<byte[]> response = http.send(
        http.request("/api/v1/models/" + JsonHttp.segment(model) + "/versions/" + version).GET(), "version " + model + ":" + version);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw http.failure(response, "version " + model + ":" + version);
    }
    return Optional.of(JsonHttp.JSON.readTree(response.body()));
  }

  /** Downloads an artefact's bytes by digest. */
  public byte[] artefact(String digest) throws FleetCallException {
    HttpResponse<byte[]> response = http.send(http.request("/api/v1/artefacts/" + JsonHttp.segment(digest)).GET(),
        "artefact " + digest);
    if (response.statusCode() != 200) {
      throw http.failure(response, "artefact " + digest);
    }
    return response.body();
  }

  /** A model ({@code GET /models/{name}}), or empty if it does not exist. */
  public Optional<JsonNode> model(String name) throws FleetCallException {
    HttpResponse<byte[]> response = http.send(http.request("/api/v1/models/" + JsonHttp.segment(name)).GET(), "model " + name);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw http.failure(response, "model " + name);
    }
    return Optional.of(JsonHttp.JSON.readTree(response.body()));
  }

  /** Registers a model; a model of that name that already exists is fine. */
  public void ensureModel(String name, String kind, String description, Map<String, String> tags)
      throws FleetCallException {
    if (model(name).isPresent()) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("kind", kind);
    body.put("description", description);
    body.put("tags", tags);
    HttpResponse<byte[]> response = http.send(http.request("/api/v1/models").header("Content-Type", "application/json")
        .POST(http.json(body)), "model creation " + name);
    if (response.statusCode() != 201 && response.statusCode() != 409) {
      throw http.failure(response, "model creation " + name);
    }
  }

  /** Uploads an artefact; answers its digest (an identical artefact already stored is fine). */
  public String upload(String mediaType, byte[] bytes) throws FleetCallException {
    JsonNode answer = http.call(http.request("/api/v1/artefacts").header("Content-Type", mediaType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), "artefact upload", 200, 201);
    return answer.path("digest").asString();
  }

  /**
   * Creates a version of a model from an uploaded artefact, as version {@code expectedVersion}.
   *
   * @return the created version, or empty if the model's next version is not {@code expectedVersion}
   *     (409: another version was created meanwhile)
   */
  public Optional<JsonNode> createVersion(String model, long expectedVersion, String digest, Map<String, Double> metrics,
      Map<String, Object> lineage, @Nullable Map<String, Object> requirements) throws FleetCallException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("digest", digest);
    body.put("expectedVersion", expectedVersion);
    body.put("metrics", metrics);
    body.put("lineage", lineage);
    if (requirements != null) {
      body.put("requirements", requirements);
    }
    HttpResponse<byte[]> response = http.send(http.request("/api/v1/models/" + JsonHttp.segment(model) + "/versions")
        .header("Content-Type", "application/json").POST(http.json(body)), "version creation " + model);
    if (response.statusCode() == 409) {
      return Optional.empty();
    }
    if (response.statusCode() != 201) {
      throw http.failure(response, "version creation " + model + ":" + expectedVersion);
    }
    return Optional.of(JsonHttp.JSON.readTree(response.body()));
  }

  /** Rolls a bundle version ({@code name:version}) out to exactly these devices; answers the rollout. */
  public JsonNode rollout(String bundle, List<String> deviceIds) throws FleetCallException {
    Map<String, Object> body = Map.of("bundle", bundle, "cohort", Map.of("deviceIds", deviceIds));
    return http.call(http.request("/api/v1/rollouts").header("Content-Type", "application/json").POST(http.json(body)),
        "rollout of " + bundle, 200, 201);
  }
}
