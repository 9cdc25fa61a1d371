package io.driftline.registry.security;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleFormatException;
import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.registry.config.RegistryProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Holds the registry's Ed25519 signing key and the public keys whose bundles it accepts. The key
 * is read from the configured file, or generated there (with its public key in
 * {@code <file>.pub}) on first start; the private key is never logged or served.
 */
@Component
public class SigningKeys {

  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;
  private final List<PublicKey> trusted;

  /** Loads or creates the key named by the properties. */
  public SigningKeys(RegistryProperties properties) {
    Path keyFile = properties.signing().keyFile().toAbsolutePath();
    try {
      Ed25519Keys.Loaded keys = Ed25519Keys.loadOrCreate(keyFile);
      privateKey = keys.pair().getPrivate();
      publicKey = keys.pair().getPublic();
      if (keys.generated()) {
        LOG.info("generated registry signing key keyId={} file={}", Ed25519Keys.keyId(publicKey), keyFile);
      }
    } catch (IOException | RuntimeException e) {
      // name the setting: the cause alone (a file name, "not an Ed25519 private key") does not say where to fix it
      throw new IllegalStateException("driftline.registry.signing.key-file: cannot read or create the signing key "
          + keyFile + ": " + e.getMessage(), e);
    }
    keyId = Ed25519Keys.keyId(publicKey);
    List<PublicKey> keys = new ArrayList<>();
    keys.add(publicKey);
    List<String> trustedKeys = properties.signing().trustedKeys();
    for (int i = 0; i < trustedKeys.size(); i++) {
      try {
        keys.add(Ed25519Keys.parsePublicKey(trustedKeys.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("driftline.registry.signing.trusted-keys[" + i + "]: " + e.getMessage(), e);
      }
    }
    trusted = List.copyOf(keys);
    LOG.info("registry signing key keyId={} trustedUploaderKeys={}", keyId, trusted.size() - 1);
  }

  /** Returns the registry's public key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** Returns the id of the registry's key (16 hex digits). */
  public String keyId() {
    return keyId;
  }

  /**
   * Decodes a bundle signed by the registry or a trusted key.
   *
   * @return the bundle and the id of the key that signed it
   * @throws BundleFormatException if it is malformed or no trusted key verifies it
   */
  public Verified verify(byte[] encoded) throws BundleFormatException {
    BundleFormatException last = null;
    for (PublicKey key : trusted) {
      try {
        return new Verified(BundleCodec.decode(encoded, key), Ed25519Keys.keyId(key));
      } catch (BundleFormatException e) {
        if (e.reason() != BundleFormatException.Reason.BAD_SIGNATURE) {
          throw e;
        }
        last = e;
      }
    }
    throw new BundleFormatException(BundleFormatException.Reason.BAD_SIGNATURE,
        "the bundle's signature verifies with none of the " + trusted.size()
            + " trusted keys (registry key " + keyId + " and driftline.registry.signing.trusted-keys)", last);
  }

  /** Encodes a bundle signed with the registry key. */
  public byte[] sign(Bundle bundle) {
    return BundleCodec.encode(bundle, privateKey);
  }

  /**
   * A verified bundle.
   *
   * @param bundle the decoded bundle
   * @param keyId id of the key that signed it
   */
  public record Verified(Bundle bundle, String keyId) {}
}
