package io.driftline.agent.update;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Talks to the model registry's REST API: enrolment, signing key, artefact download, reported state. */
public final class RegistryClient {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;

  /** Creates a client for the registry at {@code baseUrl} (no trailing slash). */
  public RegistryClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /** Enrols the device with an operator token; answers the registry's {@code {deviceId, token, device}}. */
  public JsonNode enrol(String operatorToken, Map<String, Object> description) throws IOException {
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/api/v1/devices"))
        .header("Authorization", "Bearer " + operatorToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(description))));
    return expect(response, 201, "enrolment");
  }

  /** Fetches the registry's public signing key: {@code {keyId, algorithm, pem, rawBase64}}. */
  public JsonNode signingKey() throws IOException {
    return expect(send(HttpRequest.newBuilder(uri("/api/v1/signing-key")).GET()), 200, "signing key");
  }

  /** Downloads an artefact by URL (absolute, or a path on the registry) with the device token. */
  public byte[] download(String artefactUrl, String deviceToken) throws IOException {
    URI target = artefactUrl.startsWith("http://") || artefactUrl.startsWith("https://")
        ? URI.create(artefactUrl) : uri(artefactUrl.startsWith("/") ? artefactUrl : "/" + artefactUrl);
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(target)
        .header("Authorization", "Bearer " + deviceToken).GET());
    if (response.statusCode() != 200) {
      throw new IOException("artefact download " + target.getPath() + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  /** Reports the active bundle ({@code name:version}, or null) and a health summary. */
  public void report(String deviceId, String deviceToken, @Nullable String activeBundle, Map<String, Object> health)
      throws IOException {
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("activeBundle", activeBundle);
    body.put("health", health);
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/api/v1/devices/" + deviceId + "/reported-state"))
        .header("Authorization", "Bearer " + deviceToken)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    expect(response, 200, "reported state");
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling the registry", e);
    }
  }

  private static JsonNode expect(HttpResponse<byte[]> response, int status, String what) throws IOException {
    if (response.statusCode() != status) {
      String detail = "";
      try {
        JsonNode problem = JSON.readTree(response.body());
        detail = problem.has("detail") ? ": " + problem.get("detail").asString() : "";
      } catch (RuntimeException e) {
        // not JSON; the status says enough
      }
      throw new IOException("registry " + what + " answered HTTP " + response.statusCode() + detail);
    }
    return JSON.readTree(response.body());
  }
}
