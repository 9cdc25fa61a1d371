package io.driftline.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeysTest {

  private static final byte[] MESSAGE = "bundle digest".getBytes(StandardCharsets.US_ASCII);

  private static byte[] sign(PrivateKey key) throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(MESSAGE);
    return s.sign();
  }

  private static boolean verifies(PublicKey key, byte[] signature) throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(key);
    s.update(MESSAGE);
    return s.verify(signature);
  }

  @Test
  void pemRoundTripKeepsBothKeysWorking() throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    String publicPem = Ed25519Keys.toPem(pair.getPublic());
    String privatePem = Ed25519Keys.toPem(pair.getPrivate());
    assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
    assertThat(privatePem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    PublicKey publicKey = Ed25519Keys.parsePublicKey(publicPem);
    PrivateKey privateKey = Ed25519Keys.parsePrivateKey(privatePem);
    assertThat(publicKey.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    // Ed25519 is deterministic: the same private key gives the same signature
    assertThat(sign(privateKey)).isEqualTo(sign(pair.getPrivate()));
    assertThat(verifies(publicKey, sign(privateKey))).isTrue();
  }

  @Test
  void rawBase64KeysAreAccepted() throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    String rawPublic = Ed25519Keys.toRawBase64(pair.getPublic());
    assertThat(Base64.getDecoder().decode(rawPublic)).hasSize(32);
    assertThat(Ed25519Keys.parsePublicKey(rawPublic + "\n").getEncoded())
        .isEqualTo(pair.getPublic().getEncoded());
    byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
    PrivateKey fromSeed = Ed25519Keys.parsePrivateKey(Base64.getEncoder().encodeToString(seed));
    assertThat(verifies(pair.getPublic(), sign(fromSeed))).isTrue();
  }

  @Test
  void keyIdIsAShortFingerprintOfTheRawPublicKey() throws Exception {
    KeyPair a = Ed25519Keys.generate();
    KeyPair b = Ed25519Keys.generate();
    byte[] der = a.getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(der, der.length - 32, der.length);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)).substring(0, 16);
    assertThat(Ed25519Keys.keyId(a.getPublic())).isEqualTo(expected);
    assertThat(Ed25519Keys.keyId(Ed25519Keys.parsePublicKey(Ed25519Keys.toPem(a.getPublic()))))
        .isEqualTo(expected);
    assertThat(Ed25519Keys.keyId(b.getPublic())).isNotEqualTo(expected);
  }

  @Test
  void filesRoundTripAndPrivateKeysAreOwnerOnly(@TempDir Path dir) throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    Path publicFile = dir.resolve("registry.pub.pem");
    Path privateFile = dir.resolve("registry.key.pem");
    Ed25519Keys.writePublicKey(publicFile, pair.getPublic());
    Ed25519Keys.writePrivateKey(privateFile, pair.getPrivate());
    assertThat(Ed25519Keys.readPublicKey(publicFile).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(sign(Ed25519Keys.readPrivateKey(privateFile))).isEqualTo(sign(pair.getPrivate()));
    if (privateFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)))
          .isEqualTo("rw-------");
    }
    assertThatThrownBy(() -> Ed25519Keys.writePrivateKey(privateFile, pair.getPrivate()))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void errorsSayWhatWasExpected(@TempDir Path dir) throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    assertThatThrownBy(() -> Ed25519Keys.parsePrivateKey(Ed25519Keys.toPem(pair.getPublic())))
        .hasMessageContaining("BEGIN PRIVATE KEY").hasMessageContaining("found '-----BEGIN PUBLIC KEY-----'");
    assertThatThrownBy(() -> Ed25519Keys.parsePublicKey("not a key!"))
        .hasMessageContaining("PEM 'PUBLIC KEY' block or base64");
    assertThatThrownBy(() -> Ed25519Keys.parsePublicKey(Base64.getEncoder().encodeToString(new byte[31])))
        .hasMessageContaining("32 bytes").hasMessageContaining("decodes to 31");
    Path junk = dir.resolve("junk.pem");
    Files.writeString(junk, "hello");
    assertThatThrownBy(() -> Ed25519Keys.readPublicKey(junk)).hasMessageContaining(junk.toString());
  }

  @Test
  void loadOrCreateGeneratesOnceThenReadsTheSamePair(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("keys").resolve("signing.pem");

    Ed25519Keys.Loaded first = Ed25519Keys.loadOrCreate(keyFile);
    Ed25519Keys.Loaded second = Ed25519Keys.loadOrCreate(keyFile);

    assertThat(first.generated()).isTrue();
    assertThat(second.generated()).isFalse();
    assertThat(second.pair().getPublic().getEncoded()).isEqualTo(first.pair().getPublic().getEncoded());
    assertThat(second.pair().getPrivate().getEncoded()).isEqualTo(first.pair().getPrivate().getEncoded());
    assertThat(Files.exists(dir.resolve("keys").resolve("signing.pem.pub"))).isTrue();

    Files.delete(dir.resolve("keys").resolve("signing.pem.pub"));
    assertThatThrownBy(() -> Ed25519Keys.loadOrCreate(keyFile)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no public key beside it");
    assertThat(Files.readString(keyFile)).contains("PRIVATE KEY"); // never overwritten
  }
}
