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
   * @param stallMillis how long to wait after the headers and the first half of the body
   */
  record Answer(int status, String contentType, String body, long delayMillis, long stallMillis) {

    static Answer json(int status, String body) {
      return new Answer(status, status < 400 ? "application/json" : "application/problem+json", body, 0, 0);
    }

    static Answer late(long delayMillis) {
      return new Answer(200, "application/json", "{}", delayMillis, 0);
    }

    static Answer stalling(long stallMillis) {
      return new Answer(200, "application/json", "{\"items\":[],\"nextCursor\":null}", 0, stallMillis);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private boolean closed;

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
    sleep(answer.delayMillis());
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try {
      exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
      exchange.getResponseBody().flush();
      sleep(answer.stallMillis());
      exchange.getResponseBody().write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
    } catch (IOException e) {
      // the client gave up waiting: what a stalling answer is for
    }
    exchange.close();
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops answering: later calls find the port closed. Closing again does nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
