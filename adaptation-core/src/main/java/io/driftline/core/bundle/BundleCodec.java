package io.driftline.core.bundle;

import io.driftline.core.bundle.BundleFormatException.Reason;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DenseLayer;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.FrameRouting;
import io.driftline.core.update.Precision;
import io.driftline.core.update.QuantizedMatrix;
import io.driftline.core.update.VisualPrompt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Encodes bundles into the signed binary container (format versions 1 and 2) and decodes and
 * verifies them.
 *
 * <p>Version 2 adds two sections to version 1's and changes nothing else: per-domain prompts (tag 6)
 * and the raw-frame routing (tag 7), see {@link Bundle}. A bundle that needs neither is written as
 * version 1, byte for byte as before, so existing bundles, their digests and devices that read only
 * version 1 are unaffected; version 1 files decode with the version 1 semantics.
 *
 * <p>Layout (all integers little-endian, see {@code docs/bundles-and-updates.md} for the section
 * bodies):
 *
 * <pre>
 * offset   size  field
 * 0        6     magic "DLBNDL"
 * 6        2     format version (u16) = 1 or 2
 * 8        4     payload length N (u32)
 * 12       N     payload: sections, each tag (u8) | body length (u32) | body
 * 12+N     32    SHA-256 of bytes [0, 12+N)
 * 44+N     64    Ed25519 signature of those 32 digest bytes
 * </pre>
 *
 * <p>The decoder checks, in this order: magic, version, lengths, digest, signature, and only then
 * parses the payload, so unauthenticated bytes never reach the parser. Encoding is deterministic:
 * the same bundle and key always give the same bytes (sections in a fixed order, lineage sorted by
 * key, and Ed25519 signatures are deterministic).
 */
public final class BundleCodec {

  /** The six ASCII bytes every bundle starts with. */
  public static final byte[] MAGIC = "DLBNDL".getBytes(StandardCharsets.US_ASCII);

  /** The newest format version this codec writes and reads (it reads every version from 1). */
  public static final int FORMAT_VERSION = 2;

  /** The version of bundles without per-domain prompts and raw-frame routing. */
  public static final int FORMAT_VERSION_1 = 1;

  /** Bytes before the payload: magic, version, payload length. */
  public static final int HEADER_BYTES = 12;

  /** Bytes of the SHA-256 digest after the payload. */
  public static final int DIGEST_BYTES = 32;

  /** Bytes of the Ed25519 signature at the end. */
  public static final int SIGNATURE_BYTES = 64;

  static final int TAG_METADATA = 1;
  static final int TAG_PROMPT = 2;
  static final int TAG_ADAPTOR = 3;
  static final int TAG_PROTOTYPE = 4;
  static final int TAG_ENCODER = 5;
  static final int TAG_DOMAIN_PROMPT = 6;
  static final int TAG_ROUTING = 7;

  private static final String SIGNATURE_ALGORITHM = "Ed25519";

  private BundleCodec() {}

  /**
   * Encodes and signs a bundle.
   *
   * @param bundle the bundle to encode
   * @param signingKey an Ed25519 private key
   * @return the complete bundle file
   * @throws IllegalArgumentException if the key is not an Ed25519 private key or a text field is
   *     not valid Unicode
   */
  public static byte[] encode(Bundle bundle, PrivateKey signingKey) {
    return seal(payload(bundle), versionOf(bundle), signingKey);
  }

  /** The format version a bundle is written in: 2 if it has routing or per-domain prompts, else 1. */
  public static int versionOf(Bundle bundle) {
    return bundle.routing() != null || !bundle.domainPrompts().isEmpty() ? FORMAT_VERSION : FORMAT_VERSION_1;
  }

  /**
   * Verifies and decodes a bundle file.
   *
   * @param encoded the complete bundle file
   * @param verifyKey the Ed25519 public key the bundle must be signed with (the pinned registry key)
   * @return the bundle, only if the file is intact and signed by {@code verifyKey}
   * @throws BundleFormatException if any check fails; {@link BundleFormatException#reason()} says
   *     which
   * @throws IllegalArgumentException if the key is not an Ed25519 public key
   */
  public static Bundle decode(byte[] encoded, PublicKey verifyKey) throws BundleFormatException {
    int payloadLength = checkEnvelope(encoded);
    int version = ByteBuffer.wrap(encoded, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN).getShort(MAGIC.length)
        & 0xFFFF;
    int signedEnd = HEADER_BYTES + payloadLength;
    byte[] digest = sha256(encoded, 0, signedEnd);
    byte[] stored = Arrays.copyOfRange(encoded, signedEnd, signedEnd + DIGEST_BYTES);
    if (!MessageDigest.isEqual(digest, stored)) {
      throw new BundleFormatException(Reason.DIGEST_MISMATCH,
          "SHA-256 of the bundle content does not match the digest stored in it: the file was "
              + "corrupted or altered in transit; download it again");
    }
    if (!verify(digest, encoded, signedEnd + DIGEST_BYTES, verifyKey)) {
      throw new BundleFormatException(Reason.BAD_SIGNATURE,
          "signature does not verify with public key " + Ed25519Keys.keyId(verifyKey)
              + ": the bundle was signed by another key or altered; check the pinned registry key");
    }
    return parsePayload(ByteBuffer.wrap(encoded, HEADER_BYTES, payloadLength), version);
  }

  /**
   * Returns the lower-case hex SHA-256 of a whole encoded bundle file: the content address the
   * registry stores it under (not the same as the inner digest, which excludes the trailer).
   */
  public static String digest(byte[] encoded) {
    return HexFormat.of().formatHex(sha256(encoded, 0, encoded.length));
  }

  /** Checks magic, version and lengths, and returns the payload length. */
  private static int checkEnvelope(byte[] encoded) throws BundleFormatException {
    int magicBytes = Math.min(encoded.length, MAGIC.length);
    if (!Arrays.equals(encoded, 0, magicBytes, MAGIC, 0, magicBytes)) {
      throw new BundleFormatException(Reason.BAD_MAGIC,
          "file does not start with \"DLBNDL\": it is not a Driftline bundle");
    }
    if (encoded.length < HEADER_BYTES) {
      throw new BundleFormatException(Reason.TRUNCATED,
          "file has " + encoded.length + " bytes, fewer than the " + HEADER_BYTES + "-byte header");
    }
    ByteBuffer header = ByteBuffer.wrap(encoded, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int version = header.getShort(MAGIC.length) & 0xFFFF;
    if (version < FORMAT_VERSION_1 || version > FORMAT_VERSION) {
      throw new BundleFormatException(Reason.UNSUPPORTED_VERSION,
          "bundle format version " + version + " is not supported (this build reads versions "
              + FORMAT_VERSION_1 + " to " + FORMAT_VERSION + "); upgrade the reader or ask for a version "
              + FORMAT_VERSION + " bundle");
    }
    long payloadLength = header.getInt(MAGIC.length + 2) & 0xFFFF_FFFFL;
    long expected = HEADER_BYTES + payloadLength + DIGEST_BYTES + SIGNATURE_BYTES;
    if (encoded.length < expected) {
      throw new BundleFormatException(Reason.TRUNCATED,
          "file has " + encoded.length + " bytes but its header announces " + expected
              + "; the download was cut short");
    }
    if (encoded.length > expected) {
      throw new BundleFormatException(Reason.MALFORMED,
          "file has " + (encoded.length - expected) + " bytes after the signature");
    }
    return (int) payloadLength;
  }

  /**
   * Wraps a payload in header, digest and signature; package-private so tests can seal crafted
   * payloads.
   */
  static byte[] seal(byte[] payload, PrivateKey signingKey) {
    return seal(payload, FORMAT_VERSION, signingKey);
  }

  /** Wraps a payload in a header of the given version, digest and signature. */
  static byte[] seal(byte[] payload, int version, PrivateKey signingKey) {
    int signedEnd = HEADER_BYTES + payload.length;
    byte[] out = new byte[signedEnd + DIGEST_BYTES + SIGNATURE_BYTES];
    ByteBuffer buffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    buffer.put(MAGIC).putShort((short) version).putInt(payload.length).put(payload);
    byte[] digest = sha256(out, 0, signedEnd);
    buffer.put(digest).put(sign(digest, signingKey));
    return out;
  }

  private static byte[] sha256(byte[] bytes, int from, int to) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, from, to - from);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static byte[] sign(byte[] digest, PrivateKey key) {
    try {
      Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
      signer.initSign(key);
      signer.update(digest);
      return signer.sign();
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(
          "bundles are signed with Ed25519 but the signing key is " + key.getAlgorithm(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  private static boolean verify(byte[] digest, byte[] encoded, int offset, PublicKey key) {
    try {
      Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
      verifier.initVerify(key);
      verifier.update(digest);
      return verifier.verify(encoded, offset, SIGNATURE_BYTES);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(
          "bundles are verified with Ed25519 but the verification key is " + key.getAlgorithm(), e);
    } catch (SignatureException e) {
      // a signature the provider cannot even parse is simply not a valid one
      return false;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Ed25519 is missing from this JDK", e);
    }
  }

  // ---- payload writing ----

  private static byte[] payload(Bundle bundle) {
    PayloadWriter out = new PayloadWriter();
    out.section(TAG_METADATA, metadata(bundle.metadata()));
    VisualPrompt prompt = bundle.prompt();
    if (prompt != null) {
      out.section(TAG_PROMPT, prompt(prompt));
    }
    for (DomainAdaptor adaptor : bundle.adaptors()) {
      out.section(TAG_ADAPTOR, adaptor(adaptor));
    }
    for (DomainPrototype prototype : bundle.extraPrototypes()) {
      PayloadWriter body = new PayloadWriter();
      body.string("extra prototype domainId", prototype.domainId());
      hypervector(body, prototype.prototype());
      out.section(TAG_PROTOTYPE, body);
    }
    HdcEncoder encoder = bundle.encoder();
    if (encoder != null) {
      PayloadWriter body = new PayloadWriter();
      body.bytes(encoderBytes(encoder));
      out.section(TAG_ENCODER, body);
    }
    for (Map.Entry<String, VisualPrompt> e : bundle.domainPrompts().entrySet()) {
      PayloadWriter body = prompt(e.getValue(), e.getKey());
      out.section(TAG_DOMAIN_PROMPT, body);
    }
    FrameRouting routing = bundle.routing();
    if (routing != null) {
      PayloadWriter body = new PayloadWriter();
      body.u32(FrameRouting.DESCRIPTOR_LENGTH);
      body.floats(routing.mean());
      body.floats(routing.scale());
      body.i64(Double.doubleToLongBits(routing.margin()));
      hypervector(body, routing.sourcePrototype());
      body.bytes(encoderBytes(routing.encoder()));
      out.section(TAG_ROUTING, body);
    }
    return out.toByteArray();
  }

  private static PayloadWriter metadata(BundleMetadata m) {
    PayloadWriter out = new PayloadWriter();
    out.string("bundleId", m.bundleId());
    out.i64(m.version());
    out.string("studentModelId", m.studentModelId());
    out.string("studentDigest", m.studentDigest());
    out.i64(m.createdAt().getEpochSecond());
    out.i32(m.createdAt().getNano());
    out.u32(m.lineage().size());
    for (Map.Entry<String, String> e : m.lineage().entrySet()) {
      out.string("lineage key", e.getKey());
      out.string("lineage value of '" + e.getKey() + "'", e.getValue());
    }
    return out;
  }

  private static byte[] encoderBytes(HdcEncoder encoder) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      encoder.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  private static PayloadWriter prompt(VisualPrompt p) {
    return prompt(p, null);
  }

  /** A prompt body, preceded by the domain id for a per-domain prompt. */
  private static PayloadWriter prompt(VisualPrompt p, @Nullable String domainId) {
    PayloadWriter out = new PayloadWriter();
    if (domainId != null) {
      out.string("prompt domainId", domainId);
    }
    out.u32(p.channels());
    out.u32(p.promptHeight());
    out.u32(p.promptWidth());
    out.floats(p.scale());
    out.floats(p.shift());
    out.floats(p.prompt());
    return out;
  }

  private static PayloadWriter adaptor(DomainAdaptor d) {
    PayloadWriter out = new PayloadWriter();
    out.string("adaptor domainId", d.domainId());
    hypervector(out, d.prototype());
    out.u8(d.adaptor().residual() ? 1 : 0);
    out.u32(d.adaptor().layers().size());
    for (DenseLayer layer : d.adaptor().layers()) {
      QuantizedMatrix w = layer.weights();
      out.u8(w.precision().code());
      out.u32(w.rows());
      out.u32(w.cols());
      switch (w.precision()) {
        case FP32 -> out.floats(w.fp32Values());
        case INT8 -> {
          out.floats(w.scales());
          out.bytes(w.int8Levels());
        }
        case BINARY -> {
          out.floats(w.scales());
          out.longs(w.binaryWords());
        }
        default -> throw new IllegalStateException("unhandled precision " + w.precision());
      }
      out.floats(layer.bias());
    }
    return out;
  }

  private static void hypervector(PayloadWriter out, Hypervector v) {
    out.u32(v.dimension());
    out.longs(v.words());
  }

  // ---- payload parsing (only ever on authenticated bytes) ----

  /**
   * Parses an authenticated payload; package-private so the fuzz test can reach the parser without
   * paying for two Ed25519 operations per input.
   */
  static Bundle parsePayload(ByteBuffer payload, int version) throws BundleFormatException {
    PayloadReader in = new PayloadReader(payload, "payload");
    @Nullable BundleMetadata metadata = null;
    @Nullable VisualPrompt prompt = null;
    List<DomainAdaptor> adaptors = new ArrayList<>();
    List<DomainPrototype> prototypes = new ArrayList<>();
    @Nullable HdcEncoder encoder = null;
    Map<String, VisualPrompt> domainPrompts = new LinkedHashMap<>();
    @Nullable FrameRouting routing = null;
    String previousPromptDomain = null;
    int lastTag = version == FORMAT_VERSION_1 ? TAG_ENCODER : TAG_ROUTING;
    int previousTag = 0;
    int index = 0;
    while (in.hasRemaining()) {
      int tag = in.u8("section tag");
      String where = "section " + index + " (" + tagName(tag) + ")";
      if (tag < TAG_METADATA || tag > lastTag) {
        throw in.malformed(where + " has an unknown tag; format version " + version + " knows tags 1-" + lastTag);
      }
      if (tag < previousTag
          || (tag == previousTag && (tag <= TAG_PROMPT || tag == TAG_ENCODER || tag == TAG_ROUTING))) {
        throw in.malformed(where + " is out of order or repeated; expected metadata, at most one "
            + "prompt, adaptors, extra prototypes, at most one HDC encoder, domain prompts, at most one routing");
      }
      if (tag != TAG_METADATA && previousTag == 0) {
        throw in.malformed("the first section must be metadata, found " + tagName(tag));
      }
      PayloadReader body = in.sub(in.u32(where + " length"), where);
      try {
        switch (tag) {
          case TAG_METADATA -> metadata = readMetadata(body);
          case TAG_PROMPT -> prompt = readPrompt(body);
          case TAG_ADAPTOR -> adaptors.add(readAdaptor(body));
          case TAG_ENCODER -> encoder = readEncoder(body, where);
          case TAG_DOMAIN_PROMPT -> {
            String domainId = body.string("prompt domainId");
            if (previousPromptDomain != null && previousPromptDomain.compareTo(domainId) >= 0) {
              throw body.malformed("domain prompts must be unique and sorted by domain id; '" + domainId
                  + "' follows '" + previousPromptDomain + "'");
            }
            domainPrompts.put(domainId, readPrompt(body));
            previousPromptDomain = domainId;
          }
          case TAG_ROUTING -> routing = readRouting(body, where);
          default -> prototypes.add(
              new DomainPrototype(body.string("domainId"), readHypervector(body)));
        }
      } catch (IllegalArgumentException | DateTimeException e) {
        throw new BundleFormatException(Reason.MALFORMED, where + ": " + e.getMessage(), e);
      }
      body.requireEnd();
      previousTag = tag;
      index++;
    }
    if (metadata == null) {
      throw in.malformed("the bundle has no metadata section");
    }
    try {
      return new Bundle(metadata, prompt, adaptors, prototypes, encoder, domainPrompts, routing);
    } catch (IllegalArgumentException e) {
      throw new BundleFormatException(Reason.MALFORMED, e.getMessage(), e);
    }
  }

  private static FrameRouting readRouting(PayloadReader body, String where) throws BundleFormatException {
    long length = body.u32("routing descriptor length");
    if (length != FrameRouting.DESCRIPTOR_LENGTH) {
      throw body.malformed("routing descriptor has " + length + " entries; this build knows "
          + FrameRouting.DESCRIPTOR_LENGTH);
    }
    float[] mean = body.floats("routing mean", FrameRouting.DESCRIPTOR_LENGTH);
    float[] scale = body.floats("routing scale", FrameRouting.DESCRIPTOR_LENGTH);
    double margin = Double.longBitsToDouble(body.i64("routing margin"));
    Hypervector source = readHypervector(body);
    return new FrameRouting(mean, scale, readEncoder(body, where), source, margin);
  }

  private static HdcEncoder readEncoder(PayloadReader body, String where) throws BundleFormatException {
    byte[] bytes = body.bytes("HDC encoder", body.remaining());
    try {
      return HdcEncoder.read(new ByteArrayInputStream(bytes), where);
    } catch (IOException e) {
      throw new BundleFormatException(Reason.MALFORMED, where + ": " + e.getMessage(), e);
    }
  }

  private static String tagName(int tag) {
    return switch (tag) {
      case TAG_METADATA -> "metadata";
      case TAG_PROMPT -> "prompt";
      case TAG_ADAPTOR -> "adaptor";
      case TAG_PROTOTYPE -> "extra prototype";
      case TAG_ENCODER -> "HDC encoder";
      case TAG_DOMAIN_PROMPT -> "domain prompt";
      case TAG_ROUTING -> "routing";
      default -> "tag " + tag;
    };
  }

  private static BundleMetadata readMetadata(PayloadReader in) throws BundleFormatException {
    String bundleId = in.string("bundleId");
    long version = in.i64("version");
    String studentModelId = in.string("studentModelId");
    String studentDigest = in.string("studentDigest");
    Instant createdAt = Instant.ofEpochSecond(in.i64("createdAt seconds"), in.i32("createdAt nanos"));
    // each entry takes at least two 4-byte length fields
    int entries = in.count("lineage entry count", 8);
    Map<String, String> lineage = new LinkedHashMap<>();
    String previousKey = null;
    for (int i = 0; i < entries; i++) {
      String key = in.string("lineage key " + i);
      if (previousKey != null && previousKey.compareTo(key) >= 0) {
        throw in.malformed("lineage keys must be unique and sorted; '" + key + "' follows '"
            + previousKey + "'");
      }
      lineage.put(key, in.string("lineage value of '" + key + "'"));
      previousKey = key;
    }
    return new BundleMetadata(bundleId, version, studentModelId, studentDigest, createdAt, lineage);
  }

  private static VisualPrompt readPrompt(PayloadReader in) throws BundleFormatException {
    int channels = in.size("prompt channels");
    int height = in.size("prompt height");
    int width = in.size("prompt width");
    long values = in.product("prompt shape", channels, height, width);
    // 2*C floats for scale and shift plus C*h*w for P, all checked before any allocation
    in.checkCount("prompt values", 2L * channels + values, 4);
    float[] scale = in.floats("prompt scale", channels);
    float[] shift = in.floats("prompt shift", channels);
    float[] prompt = in.floats("prompt P", (int) values);
    return new VisualPrompt(scale, shift, height, width, prompt);
  }

  private static DomainAdaptor readAdaptor(PayloadReader in) throws BundleFormatException {
    String domainId = in.string("domainId");
    Hypervector prototype = readHypervector(in);
    int residual = in.u8("residual flag");
    if (residual > 1) {
      throw in.malformed("residual flag must be 0 or 1, got " + residual);
    }
    // each layer takes at least a precision byte, two u32 dimensions and one weight and bias
    int layerCount = in.count("layer count", 13);
    List<DenseLayer> layers = new ArrayList<>(layerCount);
    for (int i = 0; i < layerCount; i++) {
      String layer = "layer " + i;
      Precision precision = Precision.byCode(in.u8(layer + " precision"));
      int rows = in.size(layer + " rows");
      int cols = in.size(layer + " cols");
      long cells = in.product(layer + " shape", rows, cols);
      QuantizedMatrix weights = switch (precision) {
        case FP32 -> QuantizedMatrix.ofFp32(rows, cols, in.floats(layer + " weights", (int) cells));
        case INT8 -> {
          float[] scales = in.floats(layer + " scales", rows);
          yield QuantizedMatrix.ofInt8(rows, cols, scales, in.bytes(layer + " levels", (int) cells));
        }
        case BINARY -> {
          float[] scales = in.floats(layer + " scales", rows);
          long words = in.product(layer + " bit words", rows, QuantizedMatrix.wordsPerRow(cols));
          yield QuantizedMatrix.ofBinary(rows, cols, scales, in.longs(layer + " bit words", (int) words));
        }
      };
      layers.add(new DenseLayer(weights, in.floats(layer + " bias", rows)));
    }
    return new DomainAdaptor(domainId, prototype, new Adaptor(layers, residual == 1));
  }

  private static Hypervector readHypervector(PayloadReader in) throws BundleFormatException {
    int dimension = in.size("prototype dimension");
    return new Hypervector(dimension, in.longs("prototype words", Hypervector.wordsFor(dimension)));
  }
}
