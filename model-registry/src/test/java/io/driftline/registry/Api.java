package io.driftline.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the registry a test started, so tests see what a real client sees. */
public final class Api {

  /** Tokens the test configuration defines. */
  public static final String ADMIN = "admin-test-token";
  /** Operator token. */
  public static final String OPERATOR = "operator-test-token";
  /** Viewer token. */
  public static final String VIEWER = "viewer-test-token";

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final int port;

  /** Creates a client for {@code http://127.0.0.1:<port>}. */
  public Api(int port) {
    this.port = port;
  }

  /** Returns the JSON mapper tests use. */
  public static JsonMapper json() {
    return JSON;
  }

  /** GET with a token (null: none). */
  public Response get(String path, @Nullable String token) {
    return send(request(path, token).GET().build());
  }

  /** GET returning the raw bytes. */
  public HttpResponse<byte[]> download(String path, @Nullable String token) {
    return download(path, token, null);
  }

  /** GET returning the raw bytes, with an {@code If-None-Match} header unless it is null. */
  public HttpResponse<byte[]> download(String path, @Nullable String token, @Nullable String ifNoneMatch) {
    HttpRequest.Builder request = request(path, token);
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    try {
      return CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POST a JSON body (an object, serialised). */
  public Response post(String path, @Nullable String token, Object body) {
    return sendJson("POST", path, token, body);
  }

  /** PUT a JSON body. */
  public Response put(String path, @Nullable String token, Object body) {
    return sendJson("PUT", path, token, body);
  }

  /** PATCH a JSON body. */
  public Response sendPatch(String path, @Nullable String token, Object body) {
    return sendJson("PATCH", path, token, body);
  }

  /** DELETE. */
  public Response delete(String path, @Nullable String token) {
    return send(request(path, token).DELETE().build());
  }

  /** POST raw bytes with a content type. */
  public Response upload(@Nullable String token, String contentType, byte[] bytes) {
    return send(request("/api/v1/artefacts", token).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  private Response sendJson(String method, String path, @Nullable String token, Object body) {
    String text = body instanceof String s ? s : JSON.writeValueAsString(body);
    return send(request(path, token).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(text)).build());
  }

  private HttpRequest.Builder request(String path, @Nullable String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A response.
   *
   * @param status HTTP status
   * @param contentType Content-Type header
   * @param body the body text
   */
  public record Response(int status, String contentType, String body) {

    /** Returns the body as JSON. */
    public JsonNode json() {
      return JSON.readTree(body);
    }

    /** Returns whether this is a problem+json answer. */
    public boolean isProblem() {
      return contentType.startsWith("application/problem+json");
    }

    @Override
    public String toString() {
      return status + " " + contentType + " " + body;
    }
  }
}
