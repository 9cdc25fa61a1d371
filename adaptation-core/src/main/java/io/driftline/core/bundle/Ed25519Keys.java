package io.driftline.core.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Loads, saves and names the Ed25519 keys that sign bundles.
 *
 * <p>Two text forms are understood: PEM ({@code -----BEGIN PUBLIC KEY-----} holding X.509
 * SubjectPublicKeyInfo, {@code -----BEGIN PRIVATE KEY-----} holding PKCS#8), and raw base64 of the
 * 32 key bytes (the public point, or the private seed) as other Ed25519 tools print them. Keys are
 * always written as PEM. A key id is the first 16 hex digits of the SHA-256 of the 32 raw public
 * key bytes: short enough for logs and configuration, and never a secret.
 */
public final class Ed25519Keys {

  private static final String ALGORITHM = "Ed25519";
  private static final int RAW_KEY_BYTES = 32;
  // DER prefixes of SubjectPublicKeyInfo / PKCS#8 for Ed25519 (RFC 8410), followed by the 32 raw bytes
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");
  private static final String PUBLIC_LABEL = "PUBLIC KEY";
  private static final String PRIVATE_LABEL = "PRIVATE KEY";

  private Ed25519Keys() {}

  /** Generates a fresh key pair from the platform's secure random source. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Ed25519 is missing from this JDK", e);
    }
  }

  /** Returns the key id: the first 16 lower-case hex digits of SHA-256 over the raw public key. */
  public static String keyId(PublicKey key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(rawPublic(key));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** Returns the public key as PEM ({@code PUBLIC KEY}, X.509 SubjectPublicKeyInfo). */
  public static String toPem(PublicKey key) {
    rawPublic(key);
    return pem(PUBLIC_LABEL, key.getEncoded());
  }

  /** Returns the private key as PEM ({@code PRIVATE KEY}, PKCS#8). */
  public static String toPem(PrivateKey key) {
    return pem(PRIVATE_LABEL, pkcs8Of(rawPrivate(key)));
  }

  /** Returns base64 of the 32 raw public key bytes. */
  public static String toRawBase64(PublicKey key) {
    return Base64.getEncoder().encodeToString(rawPublic(key));
  }

  /**
   * Parses a public key from PEM or from base64 of the 32 raw bytes.
   *
   * @throws IllegalArgumentException if the text is neither, or holds another kind of key
   */
  public static PublicKey parsePublicKey(String text) {
    byte[] der = decodeText(text, PUBLIC_LABEL, X509_PREFIX, "public");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a private key from PEM or from base64 of the 32-byte seed.
   *
   * @throws IllegalArgumentException if the text is neither, or holds another kind of key
   */
  public static PrivateKey parsePrivateKey(String text) {
    byte[] der = decodeText(text, PRIVATE_LABEL, PKCS8_PREFIX, "private");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a public key file (PEM or raw base64).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file if it holds no Ed25519 public key
   */
  public static PublicKey readPublicKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    try {
      return parsePublicKey(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a private key file (PEM or raw base64).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file if it holds no Ed25519 private key
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    try {
      return parsePrivateKey(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a public key as PEM, replacing the file. */
  public static void writePublicKey(Path file, PublicKey key) throws IOException {
    Files.writeString(file, toPem(key), StandardCharsets.US_ASCII);
  }

  /**
   * Writes a private key as PEM to a new file that only its owner may read where the file system
   * supports POSIX permissions.
   *
   * @throws java.nio.file.FileAlreadyExistsException if the file exists: a signing key is never
   *     overwritten by accident
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    String pem = toPem(key);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } else {
      Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    }
  }

  /**
   * Reads the key pair kept in {@code keyFile} (private key) and {@code <keyFile>.pub} (public key),
   * or generates a pair and writes both files if neither exists. A key is never overwritten.
   *
   * @return the pair and whether it was generated now
   * @throws IOException if the files cannot be read or written
   * @throws IllegalStateException if the private key exists without its public key
   */
  public static Loaded loadOrCreate(Path keyFile) throws IOException {
    Path absolute = keyFile.toAbsolutePath();
    Path publicFile = absolute.resolveSibling(absolute.getFileName() + ".pub");
    if (Files.exists(absolute)) {
      if (!Files.exists(publicFile)) {
        throw new IllegalStateException("signing key " + absolute + " has no public key beside it ("
            + publicFile.getFileName() + "); restore it or move both away to generate a new pair");
      }
      return new Loaded(new KeyPair(readPublicKey(publicFile), readPrivateKey(absolute)), false);
    }
    if (absolute.getParent() != null) {
      Files.createDirectories(absolute.getParent());
    }
    KeyPair pair = generate();
    writePrivateKey(absolute, pair.getPrivate());
    writePublicKey(publicFile, pair.getPublic());
    return new Loaded(pair, true);
  }

  /**
   * A key pair read or generated by {@link #loadOrCreate}.
   *
   * @param pair the keys
   * @param generated whether they were generated (and written) by that call
   */
  public record Loaded(KeyPair pair, boolean generated) {}

  private static byte[] rawPublic(PublicKey key) {
    byte[] der = key.getEncoded();
    if (der == null
        || der.length != X509_PREFIX.length + RAW_KEY_BYTES
        || !Arrays.equals(der, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalArgumentException("expected an Ed25519 public key, got " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
  }

  private static byte[] rawPrivate(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey edec)
        || !ALGORITHM.equalsIgnoreCase(edec.getParams().getName())) {
      throw new IllegalArgumentException("expected an Ed25519 private key, got " + key.getAlgorithm());
    }
    return edec.getBytes().orElseThrow(() -> new IllegalArgumentException(
        "the Ed25519 private key does not expose its bytes (hardware-backed?); export it as PKCS#8"));
  }

  private static byte[] pkcs8Of(byte[] raw) {
    byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + raw.length);
    System.arraycopy(raw, 0, der, PKCS8_PREFIX.length, raw.length);
    return der;
  }

  private static String pem(String label, byte[] der) {
    byte[] newline = "\n".getBytes(StandardCharsets.US_ASCII);
    String body = Base64.getMimeEncoder(64, newline).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** Turns PEM or raw base64 text into DER, prefixing raw key bytes with the Ed25519 DER header. */
  private static byte[] decodeText(String text, String label, byte[] rawPrefix, String kind) {
    String trimmed = text.strip();
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    if (trimmed.startsWith("-----BEGIN")) {
      if (!trimmed.startsWith(begin) || !trimmed.endsWith(end)) {
        String found = trimmed.lines().findFirst().orElse("");
        throw new IllegalArgumentException(
            "expected a PEM block '" + begin + "' but found '" + found + "'");
      }
      String body = trimmed.substring(begin.length(), trimmed.length() - end.length());
      try {
        return Base64.getMimeDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the " + label + " PEM block is not valid base64", e);
      }
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected a PEM '" + label + "' block or base64 of the "
          + RAW_KEY_BYTES + " raw " + kind + " key bytes, got neither", e);
    }
    if (raw.length != RAW_KEY_BYTES) {
      throw new IllegalArgumentException("raw Ed25519 " + kind + " key must be " + RAW_KEY_BYTES
          + " bytes, the base64 text decodes to " + raw.length);
    }
    byte[] der = Arrays.copyOf(rawPrefix, rawPrefix.length + RAW_KEY_BYTES);
    System.arraycopy(raw, 0, der, rawPrefix.length, RAW_KEY_BYTES);
    return der;
  }
}
