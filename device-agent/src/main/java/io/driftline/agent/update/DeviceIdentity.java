package io.driftline.agent.update;

import io.driftline.agent.config.AgentProperties;
import io.driftline.core.bundle.Ed25519Keys;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Holds who the device is: its id, its device token (kept in {@code identity.properties}, mode
 * {@code rw-------}) and the pinned registry key ({@code registry-key.pem}). On first start the
 * agent enrols with the registry and pins the key, either the configured one or the one the
 * registry publishes at that moment; later starts read both from disk and never fetch the key again,
 * so a registry that is later impersonated cannot slip in another key.
 *
 * @param deviceId the device id
 * @param token the device token (null without registry)
 * @param registryKey the pinned key (null without registry)
 */
public record DeviceIdentity(String deviceId, @Nullable String token, @Nullable PublicKey registryKey) {

  private static final Logger log = LoggerFactory.getLogger(DeviceIdentity.class);

  /** Name of the identity file in the data folder. */
  public static final String IDENTITY_FILE = "identity.properties";
  /** Name of the pinned key file in the data folder. */
  public static final String KEY_FILE = "registry-key.pem";

  /** Hides the token from logs and toString. */
  @Override
  public String toString() {
    return "DeviceIdentity[" + deviceId + "]";
  }

  /** Loads the identity from the data folder, enrolling and pinning the key on first start. */
  public static DeviceIdentity loadOrEnrol(AgentProperties config, @Nullable RegistryClient registry) {
    return loadOrEnrol(config, registry, null);
  }

  /**
   * As {@link #loadOrEnrol(AgentProperties, RegistryClient)}; a first enrolment declares one camera
   * delivering frames of {@code inputShape} ({@code {C, H, W}}, the student's input), so the catalog
   * can match students and adaptors to the device.
   */
  public static DeviceIdentity loadOrEnrol(AgentProperties config, @Nullable RegistryClient registry,
      int @Nullable [] inputShape) {
    Path dir = config.dataDir();
    Path identityFile = dir.resolve(IDENTITY_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    try {
      if (registry == null) {
        return new DeviceIdentity(java.util.Objects.requireNonNull(config.deviceId()), null, null);
      }
      PublicKey key = pinnedKey(config, registry, keyFile);
      if (Files.exists(identityFile)) {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(identityFile)));
        String id = p.getProperty("deviceId");
        String token = p.getProperty("token");
        if (id == null || token == null) {
          throw new IllegalStateException(identityFile + " lacks deviceId or token; delete it to enrol again");
        }
        return new DeviceIdentity(id, token, key);
      }
      String operatorToken = config.registry().enrolmentToken();
      if (operatorToken.isBlank()) {
        throw new IllegalStateException("first start needs driftline.agent.registry.enrolment-token to enrol with "
            + config.registry().url() + " (no " + identityFile + " yet)");
      }
      AgentProperties.Enrolment e = config.registry().enrolment();
      Map<String, Object> description = new LinkedHashMap<>();
      description.put("deviceClass", e.deviceClass());
      description.put("student", e.student());
      description.put("precisions", e.precisions());
      description.put("ramBytes", e.ramBytes());
      description.put("flashBytes", e.flashBytes());
      description.put("macsPerSecond", e.macsPerSecond());
      description.put("labels", e.labels());
      if (inputShape != null) {
        description.put("sensors", java.util.List.of(Map.of("id", "camera", "kind", "camera",
            "channels", inputShape[0], "height", inputShape[1], "width", inputShape[2])));
      }
      JsonNode enrolment = registry.enrol(operatorToken, description);
      String id = enrolment.get("deviceId").asString();
      String token = enrolment.get("token").asString();
      Properties p = new Properties();
      p.setProperty("deviceId", id);
      p.setProperty("token", token);
      StringWriter text = new StringWriter();
      p.store(text, "device identity issued by " + config.registry().url());
      SecureFiles.write(identityFile, text.toString().getBytes(StandardCharsets.ISO_8859_1), true);
      log.info("enrolled as device {} with {}; token kept in {}", id, config.registry().url(), identityFile);
      return new DeviceIdentity(id, token, key);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot establish the device identity: " + ex.getMessage(), ex);
    }
  }

  private static PublicKey pinnedKey(AgentProperties config, RegistryClient registry, Path keyFile) throws IOException {
    String configured = config.registry().signingKey();
    if (!configured.isBlank()) {
      PublicKey key = Ed25519Keys.parsePublicKey(configured);
      if (!Files.exists(keyFile)) {
        SecureFiles.write(keyFile, Ed25519Keys.toPem(key).getBytes(StandardCharsets.US_ASCII), false);
      }
      return key;
    }
    if (Files.exists(keyFile)) {
      return Ed25519Keys.readPublicKey(keyFile);
    }
    PublicKey key = Ed25519Keys.parsePublicKey(registry.signingKey().get("pem").asString());
    SecureFiles.write(keyFile, Ed25519Keys.toPem(key).getBytes(StandardCharsets.US_ASCII), false);
    log.info("pinned registry signing key {} in {}", Ed25519Keys.keyId(key), keyFile);
    return key;
  }
}
