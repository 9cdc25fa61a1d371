package io.driftline.teacher.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small JSON-over-HTTP client for one service: sends a request with an optional bearer token and
 * turns error answers into {@link FleetCallException}s that carry the problem's {@code detail}.
 */
final class JsonHttp {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final String service;
  private final String baseUrl;
  private final @Nullable String token;
  private final Duration timeout;
  private final HttpClient http;

  JsonHttp(String service, String baseUrl, @Nullable String token, Duration timeout) {
    this.service = service;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token == null || token.isBlank() ? null : token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  HttpRequest.BodyPublisher json(Object body) {
    return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
  }

  /** Sends and returns the raw answer; only failures to get an answer throw. */
  HttpResponse<byte[]> send(HttpRequest.Builder request, String what) throws FleetCallException {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new FleetCallException(service + " " + what + ": no answer from " + baseUrl + " (" + e.getMessage() + ")", 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FleetCallException(service + " " + what + ": interrupted", 0, e);
    }
  }

  /** Sends and parses a JSON answer with one of the expected statuses. */
  JsonNode call(HttpRequest.Builder request, String what, int... expected) throws FleetCallException {
    HttpResponse<byte[]> response = send(request, what);
    for (int status : expected) {
      if (response.statusCode() == status) {
        return response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
      }
    }
    throw failure(response, what);
  }

  FleetCallException failure(HttpResponse<byte[]> response, String what) {
    String detail = "";
    try {
      JsonNode problem = JSON.readTree(response.body());
      detail = problem.has("detail") ? ": " + problem.get("detail").asString() : "";
    } catch (RuntimeException e) {
      // not JSON; the status says enough
    }
    return new FleetCallException(service + " " + what + " answered HTTP " + response.statusCode() + detail,
        response.statusCode());
  }
}
