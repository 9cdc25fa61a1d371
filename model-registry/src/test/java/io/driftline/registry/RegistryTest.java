package io.driftline.registry;

import io.driftline.testsupport.TestProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import io.driftline.registry.security.TokenAuthenticator;
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
    settings(testClass, dataDir).forEach((k, v) -> registry.add(k, () -> v));
  }

  /**
   * Registers infrastructure and registry settings with the telemetry listener on, following
   * {@code topic}, plus {@code extra} settings.
   */
  public static void registerWithTelemetry(DynamicPropertyRegistry registry, Class<?> testClass, Path dataDir,
      String topic, Map<String, String> extra) {
    TestProperties.register(registry, testClass);
    Map<String, String> p = settings(testClass, dataDir);
    p.put("driftline.registry.telemetry.enabled", "true");
    p.put("driftline.registry.telemetry.topic", topic);
    p.putAll(extra);
    p.forEach((k, v) -> registry.add(k, () -> v));
  }

  /**
   * Returns the registry settings of a test class: blob folder and key under {@code dataDir}, topics
   * of its own, and one token per role (the operator's given by its SHA-256, as in production).
   */
  public static Map<String, String> settings(Class<?> testClass, Path dataDir) {
    String suffix = "." + testClass.getSimpleName().toLowerCase() + "-" + UUID.randomUUID();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("driftline.registry.artefacts.directory", dataDir.resolve("blobs").toString());
    p.put("driftline.registry.signing.key-file", dataDir.resolve("signing-key.pem").toString());
    p.put("driftline.registry.topics.registry-events", "registry.events" + suffix);
    p.put("driftline.registry.topics.desired-state", "fleet.desired-state" + suffix);
    p.put("driftline.registry.topics.partitions", "2");
    // telemetry is consumed only where a test produces it (ConsoleBrowserTest, TelemetryHistoryTest)
    p.put("driftline.registry.telemetry.enabled", "false");
    p.put("driftline.registry.telemetry.topic", "device.telemetry" + suffix);
    p.put("driftline.registry.telemetry.dead-letter-partitions", "2");
    p.put("driftline.registry.security.tokens[0].name", "test-admin");
    p.put("driftline.registry.security.tokens[0].role", "ADMIN");
    p.put("driftline.registry.security.tokens[0].token", Api.ADMIN);
    p.put("driftline.registry.security.tokens[1].name", "test-operator");
    p.put("driftline.registry.security.tokens[1].role", "OPERATOR");
    p.put("driftline.registry.security.tokens[1].sha256", HexFormat.of().formatHex(TokenAuthenticator.sha256(Api.OPERATOR)));
    p.put("driftline.registry.security.tokens[2].name", "test-viewer");
    p.put("driftline.registry.security.tokens[2].role", "VIEWER");
    p.put("driftline.registry.security.tokens[2].token", Api.VIEWER);
    return p;
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
