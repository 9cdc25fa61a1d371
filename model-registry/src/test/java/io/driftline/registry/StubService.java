package io.driftline.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP server standing in for a service behind the console proxy (the teacher or the
 * catalog live in other modules): answers fixed JSON by path and records every request as
 * {@code METHOD path?query authorization body}.
 */
final class StubService implements AutoCloseable {

  /**
   * An answer.
   *
   * @param status HTTP status
   * @param contentType Content-Type
   * @param body the body
   * @param delayMillis how long to wait before answering
   */
  record Answer(int status, String contentType, String body, long delayMillis) {

    static Answer json(int status, String body) {
      return new Answer(status, status < 400 ? "application/json" : "application/problem+json", body, 0);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  StubService() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers requests for this path (without query) from now on. */
  StubService on(String path, Answer answer) {
    answers.put(path, answer);
    return this;
  }

  /** Returns {@code http://127.0.0.1:<port>}. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Returns the requests seen so far. */
  List<String> seen() {
    return List.copyOf(seen);
  }

  /** Forgets the requests seen so far. */
  void forget() {
    seen.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String query = exchange.getRequestURI().getRawQuery();
    seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)
        + " " + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
    Answer answer = answers.getOrDefault(exchange.getRequestURI().getPath(),
        Answer.json(404, "{\"status\":404,\"detail\":\"stub: nothing at this path\"}"));
    if (answer.delayMillis() > 0) {
      try {
        Thread.sleep(answer.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
