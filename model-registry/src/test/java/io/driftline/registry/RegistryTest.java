package io.driftline.registry;

import io.driftline.testsupport.TestProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Base of the registry's HTTP tests: a real server on a random port, a fresh PostgreSQL database
 * (the subclass is {@code @RealPostgres}), a temporary blob folder and key, topics of its own on the
 * shared broker, and one token per role.
 */
// Each class has its own database and topics: close its context after the class, while the shared
// broker and the database are still there.
@DirtiesContext
public abstract class RegistryTest {

  @Value("${local.server.port}")
  protected int port;

  /** Returns a client for the started registry. */
  protected Api api() {
    return new Api(port);
  }

  /** Registers infrastructure and registry settings for a test class. */
  public static void register(DynamicPropertyRegistry registry, Class<?> testClass, Path dataDir) {
    TestProperties.register(registry, testClass);
    String suffix = "." + testClass.getSimpleName().toLowerCase() + "-" + UUID.randomUUID();
    registry.add("driftline.registry.artefacts.directory", () -> dataDir.resolve("blobs").toString());
    registry.add("driftline.registry.signing.key-file", () -> dataDir.resolve("signing-key.pem").toString());
    registry.add("driftline.registry.topics.registry-events", () -> "registry.events" + suffix);
    registry.add("driftline.registry.topics.desired-state", () -> "fleet.desired-state" + suffix);
    registry.add("driftline.registry.topics.partitions", () -> "2");
    registry.add("driftline.registry.security.tokens[0].name", () -> "test-admin");
    registry.add("driftline.registry.security.tokens[0].role", () -> "ADMIN");
    registry.add("driftline.registry.security.tokens[0].token", () -> Api.ADMIN);
    registry.add("driftline.registry.security.tokens[1].name", () -> "test-operator");
    registry.add("driftline.registry.security.tokens[1].role", () -> "OPERATOR");
    // the operator token is configured by its SHA-256, as in production
    registry.add("driftline.registry.security.tokens[1].sha256",
        () -> java.util.HexFormat.of().formatHex(io.driftline.registry.security.TokenAuthenticator.sha256(Api.OPERATOR)));
    registry.add("driftline.registry.security.tokens[2].name", () -> "test-viewer");
    registry.add("driftline.registry.security.tokens[2].role", () -> "VIEWER");
    registry.add("driftline.registry.security.tokens[2].token", () -> Api.VIEWER);
  }

  /** Creates a temporary data folder for one test class. */
  public static Path tempDataDir(String name) {
    try {
      return Files.createTempDirectory("registry-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
