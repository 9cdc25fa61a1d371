package io.driftline.registry.api;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.registry.security.SigningKeys;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Publishes the registry's public key, which devices pin to verify bundles. */
@RestController
@Tag(name = "signing-key", description = "The registry's Ed25519 public key (no token needed)")
class SigningKeyResource {

  private final SigningKeys keys;

  SigningKeyResource(SigningKeys keys) {
    this.keys = keys;
  }

  @GetMapping("/api/v1/signing-key")
  @Operation(summary = "Get the public key that signs promoted bundles")
  PublicKeyView get() {
    return new PublicKeyView(keys.keyId(), "Ed25519", Ed25519Keys.toPem(keys.publicKey()),
        Ed25519Keys.toRawBase64(keys.publicKey()));
  }

  /**
   * The public key.
   *
   * @param keyId first 16 hex digits of SHA-256 over the raw key; {@code signatureKeyId} in desired states
   * @param algorithm always Ed25519
   * @param pem X.509 SubjectPublicKeyInfo PEM
   * @param rawBase64 base64 of the 32 raw key bytes
   */
  record PublicKeyView(String keyId, String algorithm, String pem, String rawBase64) {}
}
