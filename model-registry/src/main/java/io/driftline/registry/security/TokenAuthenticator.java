package io.driftline.registry.security;

import io.driftline.registry.config.RegistryProperties;
import io.driftline.registry.config.RegistryProperties.ApiToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import io.driftline.registry.store.ShortLivedCache;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Turns a bearer token into a {@link Caller}. API tokens are configured by their SHA-256 (or in
 * plain text for development, hashed at start) and compared in constant time; device tokens are
 * random 256-bit secrets stored only as their SHA-256. A hash of a high-entropy random token is
 * enough: there is nothing to guess, so a slow password hash would only slow every request.
 */
@Component
public class TokenAuthenticator {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final MessageDigest SHA256 = newSha256();

  private final List<Configured> tokens;
  private final JdbcClient jdbc;
  // token hash (hex) -> device id of active devices
  private final ShortLivedCache<String, String> devices;

  TokenAuthenticator(RegistryProperties properties, JdbcClient jdbc) {
    this.jdbc = jdbc;
    this.devices = new ShortLivedCache<>(properties.security().cacheTtl(), 100_000);
    List<Configured> list = new ArrayList<>();
    for (ApiToken token : properties.security().tokens()) {
      if (token.role() == Role.DEVICE) {
        throw new IllegalArgumentException("API token '" + token.name()
            + "' has role DEVICE; device tokens are issued at enrolment");
      }
      byte[] hash;
      if (token.sha256() != null && !token.sha256().isBlank()) {
        hash = HexFormat.of().parseHex(token.sha256().trim().toLowerCase());
        if (hash.length != 32) {
          throw new IllegalArgumentException("API token '" + token.name() + "': sha256 must be 64 hex digits");
        }
      } else if (token.token() != null && !token.token().isBlank()) {
        hash = sha256(token.token());
      } else {
        throw new IllegalArgumentException("API token '" + token.name() + "' needs sha256 (or token)");
      }
      list.add(new Configured(new Caller(token.name(), token.role(), null), hash));
    }
    this.tokens = List.copyOf(list);
  }

  /** Returns the caller a token belongs to, if any. */
  public Optional<Caller> authenticate(String token) {
    byte[] hash = sha256(token);
    Caller found = null;
    // every configured token is compared, so the time taken does not say which one nearly matched
    for (Configured c : tokens) {
      if (MessageDigest.isEqual(c.sha256(), hash)) {
        found = c.caller();
      }
    }
    if (found != null) {
      return Optional.of(found);
    }
    String key = HexFormat.of().formatHex(hash);
    String cached = devices.get(key);
    if (cached != null) {
      return Optional.of(Caller.device(cached));
    }
    Optional<String> device = jdbc.sql("select id from device where token_sha256 = ? and status = 'ACTIVE'")
        .param(hash).query(String.class).optional();
    device.ifPresent(id -> devices.put(key, id));
    return device.map(Caller::device);
  }

  /** Forgets a device's token at once (on revocation). */
  public void forget(String deviceId) {
    devices.removeIf(deviceId::equals);
  }

  /** Returns a new device token: 32 random bytes, base64url. */
  public static String newDeviceToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "dlt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Returns the SHA-256 of a token's UTF-8 bytes. */
  public static byte[] sha256(String token) {
    try {
      // a clone of one digest skips the provider lookup of getInstance on every request
      return ((MessageDigest) SHA256.clone()).digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private record Configured(Caller caller, byte[] sha256) {}
}
