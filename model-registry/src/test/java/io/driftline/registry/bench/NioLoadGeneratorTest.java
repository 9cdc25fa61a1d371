package io.driftline.registry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's NIO load generator against the JDK's small HTTP server: it must count a download
 * only when it was answered 200 with exactly the expected bytes, with either body framing, and
 * count every other answer as an error.
 */
class NioLoadGeneratorTest {

  private static final int SIZE = 70_000;

  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/fixed", exchange -> answer(exchange, SIZE));
    server.createContext("/chunked", exchange -> answer(exchange, 0));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** 200 with SIZE bytes for a token starting with "good", else 401 with a short body. */
  private static void answer(HttpExchange exchange, long lengthHeader) throws IOException {
    exchange.getRequestBody().readAllBytes();
    boolean good = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).startsWith("Bearer good");
    byte[] body = new byte[good ? SIZE : 10];
    exchange.sendResponseHeaders(good ? 200 : 401, lengthHeader == 0 ? 0 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private NioLoadGenerator.Result run(String path, List<String> tokens, long expected, long paceNanos) throws Exception {
    try (NioLoadGenerator load = new NioLoadGenerator(server.getAddress(), path, tokens, expected, 2)) {
      return load.run(4, paceNanos);
    }
  }

  @Test
  void countsEveryDownloadWithContentLength() throws Exception {
    NioLoadGenerator.Result result = run("/fixed", List.of("good-1", "good-2", "good-3"), SIZE, 0);
    assertThat(result.errors()).isZero();
    assertThat(result.latencies()).hasSize(12);
    assertThat(Arrays.stream(result.latencies()).min().orElseThrow()).isPositive();
  }

  @Test
  void countsEveryChunkedDownloadInAPacedRun() throws Exception {
    NioLoadGenerator.Result result = run("/chunked", List.of("good-1", "good-2", "good-3"), SIZE, 2_000_000L);
    assertThat(result.errors()).isZero();
    assertThat(result.latencies()).hasSize(12);
  }

  @Test
  void countsAnotherStatusAsAnError() throws Exception {
    NioLoadGenerator.Result result = run("/fixed", List.of("good-1", "bad", "good-3"), SIZE, 0);
    assertThat(result.errors()).isEqualTo(4);
    assertThat(result.firstError()).contains("answered 401");
    assertThat(result.latencies()).hasSize(8);
  }

  @Test
  void countsAnotherLengthAsAnError() throws Exception {
    NioLoadGenerator.Result result = run("/chunked", List.of("good-1", "good-2"), SIZE - 1, 0);
    assertThat(result.errors()).isEqualTo(8);
    assertThat(result.firstError()).contains("200 with " + SIZE + " body bytes");
    assertThat(result.latencies()).isEmpty();
  }
}
