package io.driftline.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON client for one service's REST API with a bearer token. */
public final class ServiceApi {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String name;
  private final String baseUrl;
  private final @Nullable String token;

  /** A client for the service {@code name} at {@code baseUrl}, with a bearer token if not null. */
  public ServiceApi(String name, String baseUrl, @Nullable String token) {
    this.name = name;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** A response: status and body. */
  public record Answer(int status, String body) {
    /** The body as JSON. */
    public JsonNode json() {
      return JSON.readTree(body);
    }
  }

  /** GETs {@code path}. */
  public Answer get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  /** POSTs {@code body} as JSON. */
  public Answer post(String path, Object body) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
  }

  /** POSTs raw bytes of {@code mediaType}. */
  public Answer postBytes(String path, String mediaType, byte[] body) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", mediaType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** GETs and expects 200. */
  public JsonNode getJson(String path) throws IOException, InterruptedException {
    return expect(get(path), "GET " + path, 200);
  }

  /** Fails with the service's answer unless the status is one of {@code expected}. */
  public JsonNode expect(Answer answer, String what, int... expected) {
    for (int e : expected) {
      if (answer.status() == e) {
        return answer.body().isBlank() ? JSON.createObjectNode() : answer.json();
      }
    }
    throw new IllegalStateException(name + ": " + what + " answered " + answer.status() + ": " + abbreviate(answer.body()));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  private static String abbreviate(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "..." : s;
  }
}
