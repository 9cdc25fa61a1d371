package io.driftline.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * A stand-in service for {@link ServiceProcessTest}, run from a jar in a child JVM: its first argument
 * says whether it exits at once, never becomes healthy, or answers {@code /actuator/health}.
 */
public final class FakeService {

  private FakeService() {}

  /** Runs in the mode {@code args[0]} ({@code exit}, {@code silent} or {@code healthy}). */
  public static void main(String[] args) throws Exception {
    System.out.println("args=" + Arrays.toString(args) + " flag=" + System.getProperty("fake.flag"));
    System.out.println("pid=" + ProcessHandle.current().pid());
    switch (args[0]) {
      case "exit" -> {
        System.out.println("boom: no database configured");
        System.exit(3);
      }
      case "silent" -> Thread.sleep(Long.MAX_VALUE);
      case "healthy" -> {
        int port = Integer.parseInt(args[args.length - 1].substring("--server.port=".length()));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/actuator/health", exchange -> {
          byte[] body = "{\"status\":\"UP\"}".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stopped in order")));
        Thread.sleep(Long.MAX_VALUE);
      }
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }
}
