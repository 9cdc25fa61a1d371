package io.driftline.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.driftline.core.bundle.BundleFormatException.Reason;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BundleCodecTest {

  private static final KeyPair KEYS = Ed25519Keys.generate();

  private static BundleMetadata metadata(Map<String, String> lineage) {
    return new BundleMetadata("fog-2026-11", 7, "fmnist-student", "sha256:abc",
        Instant.parse("2026-11-25T10:15:30.123456789Z"), lineage);
  }

  private static Bundle sample() {
    SplittableRandom rnd = new SplittableRandom(5);
    Hypervector fog = RandomBundles.hypervector(rnd, 256);
    Hypervector night = RandomBundles.hypervector(rnd, 256);
    return Bundle.builder()
        .setMetadata(metadata(Map.of("teacher", "vit-small@3", "données", "brouillard ☁")))
        .optPrompt(RandomBundles.prompt(rnd))
        .optAdaptor(new DomainAdaptor("fog", fog, RandomBundles.adaptor(rnd, 16, 10)))
        .optAdaptor(new DomainAdaptor("night", night, RandomBundles.adaptor(rnd, 16, 10)))
        .optExtraPrototype(new DomainPrototype("clear", RandomBundles.hypervector(rnd, 256)))
        .build();
  }

  private static Reason reasonOf(byte[] bytes) {
    BundleFormatException e = catchThrowableOfType(BundleFormatException.class,
        () -> BundleCodec.decode(bytes, KEYS.getPublic()));
    assertThat(e).as("decoding must be rejected").isNotNull();
    return e.reason();
  }

  private static BundleFormatException rejection(byte[] bytes) {
    return catchThrowableOfType(BundleFormatException.class,
        () -> BundleCodec.decode(bytes, KEYS.getPublic()));
  }

  private static byte[] payloadOf(byte[] encoded) {
    int length = ByteBuffer.wrap(encoded, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return Arrays.copyOfRange(encoded, 12, 12 + length);
  }

  /** The first section (tag, length, body) of a valid payload: its metadata section. */
  private static byte[] metadataSection(byte[] payload) {
    int length = ByteBuffer.wrap(payload, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return Arrays.copyOf(payload, 5 + length);
  }

  /** Little-endian byte builder for hand-made payloads. */
  private static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes raw(byte[] b) {
      out.write(b, 0, b.length);
      return this;
    }

    Bytes u8(int v) {
      out.write(v);
      return this;
    }

    Bytes u32(long v) {
      return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    Bytes section(int tag, byte[] body) {
      return u8(tag).u32(body.length).raw(body);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  private static byte[] metadataOnly() {
    Bundle plain = new Bundle(metadata(Map.of()), null, List.of(), List.of());
    return metadataSection(payloadOf(BundleCodec.encode(plain, KEYS.getPrivate())));
  }

  @Test
  void layoutMatchesTheDocumentedHeaderDigestAndSignature() throws Exception {
    byte[] encoded = BundleCodec.encode(sample(), KEYS.getPrivate());
    ByteBuffer b = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(encoded, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("DLBNDL");
    assertThat(b.getShort(6)).isEqualTo((short) 1);
    int n = b.getInt(8);
    assertThat(encoded.length).isEqualTo(12 + n + 32 + 64);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(encoded, 12 + n));
    assertThat(Arrays.copyOfRange(encoded, 12 + n, 44 + n)).isEqualTo(digest);
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(KEYS.getPublic());
    verifier.update(digest);
    assertThat(verifier.verify(Arrays.copyOfRange(encoded, 44 + n, encoded.length))).isTrue();
    // sections in documented order: metadata, prompt, two adaptors, one extra prototype
    byte[] payload = payloadOf(encoded);
    ByteBuffer sections = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    StringBuilder tags = new StringBuilder();
    while (sections.hasRemaining()) {
      tags.append(sections.get());
      int length = sections.getInt();
      sections.position(sections.position() + length);
    }
    assertThat(tags.toString()).isEqualTo("12334");
  }

  @Test
  void fileDigestIsTheSha256OfTheWholeFile() throws Exception {
    byte[] encoded = BundleCodec.encode(sample(), KEYS.getPrivate());
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
    assertThat(BundleCodec.digest(encoded)).isEqualTo(expected).hasSize(64);
  }

  @Test
  void encodingIsDeterministicWhateverTheLineageInsertionOrder() {
    Map<String, String> forward = new LinkedHashMap<>();
    Map<String, String> backward = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      forward.put("key" + i, "v" + i);
      backward.put("key" + (19 - i), "v" + (19 - i));
    }
    Bundle a = new Bundle(metadata(forward), null, List.of(), List.of());
    Bundle b = new Bundle(metadata(backward), null, List.of(), List.of());
    assertThat(BundleCodec.encode(a, KEYS.getPrivate())).isEqualTo(BundleCodec.encode(b, KEYS.getPrivate()));
    Bundle c = new Bundle(metadata(Map.of("key0", "v0")), null, List.of(), List.of());
    assertThat(BundleCodec.encode(c, KEYS.getPrivate())).isNotEqualTo(BundleCodec.encode(a, KEYS.getPrivate()));
  }

  @Test
  void decodedBundleComputesTheSameLogitsAndPromptedFrames() throws Exception {
    Bundle original = sample();
    Bundle decoded = BundleCodec.decode(BundleCodec.encode(original, KEYS.getPrivate()), KEYS.getPublic());
    SplittableRandom rnd = new SplittableRandom(6);
    DomainRouter before = original.router(0.55);
    DomainRouter after = decoded.router(0.55);
    for (int i = 0; i < 10; i++) {
      Hypervector frame = RandomBundles.hypervector(rnd, 256);
      float[] features = RandomBundles.floats(rnd, 16, 1);
      float[] student = RandomBundles.floats(rnd, 10, 1);
      DomainRouter.Routed x = before.apply(frame, features, student);
      DomainRouter.Routed y = after.apply(frame, features, student);
      assertThat(y.route().routeId()).isEqualTo(x.route().routeId());
      assertThat(y.logits()).containsExactly(x.logits());
    }
    VisualPrompt prompt = decoded.prompt();
    assertThat(prompt).isNotNull();
    io.driftline.core.image.Image frame = io.driftline.core.image.Image.zeros(prompt.channels(), 12, 12);
    assertThat(prompt.apply(frame)).isEqualTo(original.prompt().apply(frame));
  }

  @Test
  void rejectsWhatIsNotABundle() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0, 0};
    BundleFormatException e = rejection(png);
    assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC);
    assertThat(e).hasMessageContaining("not a Driftline bundle");
    assertThat(reasonOf("DLB".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Reason.TRUNCATED);
    assertThat(reasonOf("DLX".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Reason.BAD_MAGIC);
  }

  @Test
  void rejectsAnUnknownFormatVersion() {
    byte[] encoded = BundleCodec.encode(sample(), KEYS.getPrivate());
    encoded[6] = 3;
    BundleFormatException e = rejection(encoded);
    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_VERSION);
    assertThat(e).hasMessageContaining("version 3").hasMessageContaining("reads versions 1 to 2");
  }

  @Test
  void hugeHeaderLengthIsTruncationNotAnAllocation() {
    byte[] encoded = BundleCodec.encode(sample(), KEYS.getPrivate());
    ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0xFFFF_FFF0);
    BundleFormatException e = rejection(encoded);
    assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(e).hasMessageContaining("announces " + (12L + 0xFFFF_FFF0L + 96));
  }

  @Test
  void trailingBytesAreMalformed() {
    byte[] encoded = BundleCodec.encode(sample(), KEYS.getPrivate());
    assertThat(reasonOf(Arrays.copyOf(encoded, encoded.length + 1))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void hostileLengthsInsideASignedPayloadAreMalformed() {
    byte[] metadata = metadataOnly();
    byte[][] hostile = {
        // a section claiming 4 GiB
        new Bytes().raw(metadata).u8(BundleCodec.TAG_ADAPTOR).u32(0xFFFF_FFFFL).u32(1).bytes(),
        // a prompt of 65535 x 65535 x 65535 values
        new Bytes().raw(metadata).section(BundleCodec.TAG_PROMPT,
            new Bytes().u32(0xFFFF).u32(0xFFFF).u32(0xFFFF).u32(0).bytes()).bytes(),
        // a prompt whose C*h*w overflows a long
        new Bytes().raw(metadata).section(BundleCodec.TAG_PROMPT,
            new Bytes().u32(0xFFFF_FFFFL).u32(0xFFFF_FFFFL).u32(0xFFFF_FFFFL).bytes()).bytes(),
        // an adaptor whose domain id claims 2^32-1 bytes
        new Bytes().raw(metadata).section(BundleCodec.TAG_ADAPTOR,
            new Bytes().u32(0xFFFF_FFFFL).u8('x').bytes()).bytes(),
        // an adaptor layer of 2^32-1 x 2^32-1 int8 weights
        new Bytes().raw(metadata).section(BundleCodec.TAG_ADAPTOR, new Bytes()
            .u32(1).u8('d').u32(64).raw(new byte[8]).u8(0).u32(1)
            .u8(Precision.INT8.code()).u32(0xFFFF_FFFFL).u32(0xFFFF_FFFFL).raw(new byte[16]).bytes()).bytes(),
        // an extra prototype of 2^31 bits
        new Bytes().raw(metadata).section(BundleCodec.TAG_PROTOTYPE,
            new Bytes().u32(1).u8('p').u32(0x8000_0000L).raw(new byte[8]).bytes()).bytes(),
        // an extra prototype of 2^31 - 1 bits: the largest int, whose word count must not overflow
        new Bytes().raw(metadata).section(BundleCodec.TAG_PROTOTYPE,
            new Bytes().u32(1).u8('p').u32(0x7FFF_FFFFL).raw(new byte[8]).bytes()).bytes(),
        // a layer of 2^32 - 1 rows and 0 columns: no cells, but the row count cannot size an array
        new Bytes().raw(metadata).section(BundleCodec.TAG_ADAPTOR, new Bytes()
            .u32(1).u8('d').u32(64).raw(new byte[8]).u8(0).u32(1)
            .u8(Precision.INT8.code()).u32(0xFFFF_FFFFL).u32(0).raw(new byte[16]).bytes()).bytes(),
        // a prompt of 2^31 channels of 0 x 0 pixels
        new Bytes().raw(metadata).section(BundleCodec.TAG_PROMPT,
            new Bytes().u32(0x8000_0000L).u32(0).u32(0).raw(new byte[16]).bytes()).bytes(),
    };
    for (int i = 0; i < hostile.length; i++) {
      BundleFormatException e = rejection(BundleCodec.seal(hostile[i], KEYS.getPrivate()));
      assertThat(e).as("hostile payload %d", i).isNotNull();
      assertThat(e.reason()).as("hostile payload %d: %s", i, e.getMessage()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).as("hostile payload %d", i).containsAnyOf("remain", "fit", "outside 1..")
          .doesNotContain("claims -");
    }
  }

  @Test
  void structuralErrorsInASignedPayloadAreMalformedAndNamed() {
    byte[] metadata = metadataOnly();
    byte[] prompt = payloadOf(BundleCodec.encode(
        new Bundle(metadata(Map.of()), VisualPrompt.identity(1), List.of(), List.of()), KEYS.getPrivate()));
    byte[] promptSection = Arrays.copyOfRange(prompt, metadata.length, prompt.length);
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("no metadata section", new byte[0]);
    cases.put("unknown tag", new Bytes().raw(metadata).section(9, new byte[0]).bytes());
    cases.put("out of order", new Bytes().raw(metadata).raw(promptSection).raw(promptSection).bytes());
    cases.put("first section must be metadata", new Bytes().raw(promptSection).raw(metadata).bytes());
    cases.put("trailing bytes", new Bytes().raw(metadata)
        .section(BundleCodec.TAG_PROTOTYPE, new Bytes().u32(1).u8('p').u32(64).raw(new byte[9]).bytes()).bytes());
    cases.put("not valid UTF-8", new Bytes().raw(metadata)
        .section(BundleCodec.TAG_PROTOTYPE, new Bytes().u32(1).u8(0xFF).u32(64).raw(new byte[8]).bytes()).bytes());
    cases.put("bits above dimension", new Bytes().raw(metadata)
        .section(BundleCodec.TAG_PROTOTYPE,
            new Bytes().u32(1).u8('p').u32(3).u8(0xFF).raw(new byte[7]).bytes()).bytes());
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      BundleFormatException e = rejection(BundleCodec.seal(c.getValue(), KEYS.getPrivate()));
      assertThat(e).as(c.getKey()).isNotNull();
      assertThat(e.reason()).as(c.getKey()).isEqualTo(Reason.MALFORMED);
      assertThat(e).as(c.getKey()).hasMessageContaining(c.getKey());
    }
  }

  @Test
  void version2SectionsAreUnknownInAVersion1FileAndDomainPromptsMustBeSorted() throws Exception {
    byte[] metadata = metadataOnly();
    byte[] domainPrompt = new Bytes().u32(1).u8('a').u32(1).u32(1).u32(1).raw(new byte[12]).bytes();
    byte[] v1 = new Bytes().raw(metadata).section(BundleCodec.TAG_DOMAIN_PROMPT, domainPrompt).bytes();
    BundleFormatException e = rejection(BundleCodec.seal(v1, BundleCodec.FORMAT_VERSION_1, KEYS.getPrivate()));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e).hasMessageContaining("unknown tag").hasMessageContaining("version 1");
    byte[] twice = new Bytes().raw(metadata).section(BundleCodec.TAG_DOMAIN_PROMPT, domainPrompt)
        .section(BundleCodec.TAG_DOMAIN_PROMPT, domainPrompt).bytes();
    assertThat(rejection(BundleCodec.seal(twice, KEYS.getPrivate()))).hasMessageContaining("sorted");
    Bundle plain = sample();
    assertThat(BundleCodec.encode(plain, KEYS.getPrivate())[6]).as("no routing: still version 1").isEqualTo((byte) 1);
  }

  @Test
  void unsortedLineageIsMalformed() {
    // hand-written metadata body with lineage keys "b" then "a"
    byte[] body = new Bytes()
        .u32(1).u8('i').raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array())
        .u32(1).u8('s').u32(1).u8('d')
        .raw(new byte[12])
        .u32(2).u32(1).u8('b').u32(0).u32(1).u8('a').u32(0)
        .bytes();
    byte[] payload = new Bytes().section(BundleCodec.TAG_METADATA, body).bytes();
    BundleFormatException e = rejection(BundleCodec.seal(payload, KEYS.getPrivate()));
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(e).hasMessageContaining("sorted");
  }

  @Test
  void encoderRejectsBadKeysAndBrokenText() throws Exception {
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    assertThatThrownBy(() -> BundleCodec.encode(sample(), ec.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519");
    byte[] encoded = BundleCodec.encode(sample(), KEYS.getPrivate());
    assertThatThrownBy(() -> BundleCodec.decode(encoded, ec.getPublic()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519");
    Bundle broken = new Bundle(metadata(Map.of("note", "half a pair \uD83D")), null, List.of(), List.of());
    assertThatThrownBy(() -> BundleCodec.encode(broken, KEYS.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lineage value of 'note'");
  }

  @Test
  void bundleRejectsInconsistentParts() {
    SplittableRandom rnd = new SplittableRandom(9);
    Adaptor a16 = RandomBundles.adaptor(rnd, 16, 10);
    Adaptor a8 = RandomBundles.adaptor(rnd, 8, 10);
    Hypervector v = RandomBundles.hypervector(rnd, 128);
    assertThatThrownBy(() -> new Bundle(metadata(Map.of()), null,
            List.of(new DomainAdaptor("fog", v, a16), new DomainAdaptor("rain", v, a8)), List.of()))
        .hasMessageContaining("'rain' maps 8 -> 10");
    assertThatThrownBy(() -> new Bundle(metadata(Map.of()), null,
            List.of(new DomainAdaptor("fog", v, a16)), List.of(new DomainPrototype("fog", v))))
        .hasMessageContaining("'fog' repeats");
    assertThatThrownBy(() -> new Bundle(metadata(Map.of()), null, List.of(),
            List.of(new DomainPrototype("a", v), new DomainPrototype("b", RandomBundles.hypervector(rnd, 64)))))
        .hasMessageContaining("'b' has 64 bits");
    assertThatThrownBy(() -> Bundle.builder().build()).hasMessageContaining("setMetadata");
    assertThatThrownBy(() -> new BundleMetadata(" ", 1, "s", "d", Instant.EPOCH, Map.of()))
        .hasMessageContaining("bundleId");
  }

  @Test
  void carriedEncoderGivesTheDeviceTheSameDomainCodes() throws Exception {
    SplittableRandom rnd = new SplittableRandom(21);
    HdcEncoder encoder = HdcEncoder.builder()
        .setFeatureDimension(16).optDimension(512).optSeed(77).optCenter(RandomBundles.floats(rnd, 16, 1)).build();
    float[] fogFeatures = RandomBundles.floats(rnd, 16, 1);
    Bundle original = Bundle.builder()
        .setMetadata(metadata(Map.of()))
        .optAdaptor(new DomainAdaptor("fog", encoder.encode(fogFeatures), RandomBundles.adaptor(rnd, 16, 10)))
        .optEncoder(encoder)
        .build();

    Bundle decoded = BundleCodec.decode(BundleCodec.encode(original, KEYS.getPrivate()), KEYS.getPublic());

    HdcEncoder carried = decoded.encoder();
    assertThat(carried).isEqualTo(encoder);
    // A frame with the fog features must route to fog through the decoded encoder.
    DomainRouter.Route route = decoded.router(0.9).route(carried.encode(fogFeatures));
    assertThat(route.routeId()).isEqualTo("fog");
    assertThat(route.similarity()).isEqualTo(1.0);
  }

  @Test
  void encoderMustMatchPrototypesAndAdaptors() {
    SplittableRandom rnd = new SplittableRandom(22);
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(16).optDimension(256).build();
    Adaptor a16 = RandomBundles.adaptor(rnd, 16, 10);
    Adaptor a8 = RandomBundles.adaptor(rnd, 8, 10);
    assertThatThrownBy(() -> new Bundle(metadata(Map.of()), null,
            List.of(new DomainAdaptor("fog", RandomBundles.hypervector(rnd, 128), a16)), List.of(), encoder))
        .hasMessageContaining("128 bits").hasMessageContaining("256-bit");
    assertThatThrownBy(() -> new Bundle(metadata(Map.of()), null,
            List.of(new DomainAdaptor("fog", RandomBundles.hypervector(rnd, 256), a8)), List.of(), encoder))
        .hasMessageContaining("take 8 features").hasMessageContaining("takes 16");
  }

  @Test
  void secondEncoderSectionIsMalformed() throws Exception {
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(4).optDimension(64).build();
    Bundle withEncoder = new Bundle(metadata(Map.of()), null, List.of(), List.of(), encoder);
    byte[] payload = payloadOf(BundleCodec.encode(withEncoder, KEYS.getPrivate()));
    byte[] encoderSection = Arrays.copyOfRange(payload, metadataSection(payload).length, payload.length);
    byte[] doubled = new Bytes().raw(payload).raw(encoderSection).bytes();

    BundleFormatException repeated = rejection(BundleCodec.seal(doubled, KEYS.getPrivate()));
    assertThat(repeated.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(repeated).hasMessageContaining("HDC encoder").hasMessageContaining("repeated");

    byte[] garbage = new Bytes().raw(metadataOnly())
        .section(BundleCodec.TAG_ENCODER, "not an encoder".getBytes(java.nio.charset.StandardCharsets.UTF_8)).bytes();
    BundleFormatException bad = rejection(BundleCodec.seal(garbage, KEYS.getPrivate()));
    assertThat(bad.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(bad).hasMessageContaining("HDC encoder");
  }
}
