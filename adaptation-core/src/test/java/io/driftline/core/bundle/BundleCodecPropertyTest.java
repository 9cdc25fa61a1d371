package io.driftline.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.driftline.core.bundle.BundleFormatException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seeded property tests over random bundles: round trip, determinism, truncation, tampering, keys. */
class BundleCodecPropertyTest {

  private static final int CASES = 200;

  private static KeyPair registry;
  private static KeyPair other;
  private static byte[][] encoded;
  private static Bundle[] bundles;

  @BeforeAll
  static void encodeAll() {
    registry = Ed25519Keys.generate();
    other = Ed25519Keys.generate();
    bundles = new Bundle[CASES];
    encoded = new byte[CASES][];
    for (int i = 0; i < CASES; i++) {
      bundles[i] = RandomBundles.bundle(1000 + i);
      encoded[i] = BundleCodec.encode(bundles[i], registry.getPrivate());
    }
  }

  private static Reason reasonOf(byte[] bytes) {
    BundleFormatException e = catchThrowableOfType(BundleFormatException.class,
        () -> BundleCodec.decode(bytes, registry.getPublic()));
    assertThat(e).as("decoding must be rejected").isNotNull();
    return e.reason();
  }

  @Test
  void randomBundlesRoundTripAndEncodeDeterministically() throws Exception {
    Set<String> digests = new HashSet<>();
    int withPrompt = 0;
    int adaptors = 0;
    int version2 = 0;
    int domainPrompts = 0;
    for (int i = 0; i < CASES; i++) {
      Bundle decoded = BundleCodec.decode(encoded[i], registry.getPublic());
      assertThat(decoded).as("case %d", i).isEqualTo(bundles[i]);
      assertThat(BundleCodec.encode(decoded, registry.getPrivate()))
          .as("re-encoding the decoded bundle of case %d", i)
          .isEqualTo(encoded[i]);
      if (i % 4 == 0) {
        assertThat(BundleCodec.encode(RandomBundles.bundle(1000 + i), registry.getPrivate()))
            .as("an equal bundle built again from the same seed")
            .isEqualTo(encoded[i]);
      }
      digests.add(BundleCodec.digest(encoded[i]));
      withPrompt += bundles[i].prompt() != null ? 1 : 0;
      // a re-issue under other metadata keeps every other part (the registry's rollback relies on it)
      Bundle reissued = bundles[i].withMetadata(bundles[(i + 1) % CASES].metadata());
      assertThat(reissued.withMetadata(bundles[i].metadata())).as("case %d re-issued and back", i).isEqualTo(bundles[i]);
      assertThat(reissued.routing()).isEqualTo(bundles[i].routing());
      int version = encoded[i][6] & 0xFF;
      assertThat(version).as("case %d is written in the lowest version that holds it", i)
          .isEqualTo(bundles[i].routing() != null ? 2 : 1);
      version2 += version == 2 ? 1 : 0;
      domainPrompts += bundles[i].domainPrompts().size();
      adaptors += bundles[i].adaptors().size();
    }
    assertThat(digests).as("different seeds give different files").hasSize(CASES);
    // the generator really covers the optional parts
    assertThat(withPrompt).isBetween(CASES / 3, CASES - 1);
    assertThat(adaptors).isGreaterThan(CASES);
    assertThat(version2).isBetween(CASES / 5, CASES / 2);
    assertThat(domainPrompts).isGreaterThan(CASES / 4);
  }

  @Test
  void everyTruncationIsRejected() {
    // plain checks in the inner loop: a few hundred thousand decodes, AssertJ per call would be slow
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] full = encoded[i];
      for (int length = 0; length < full.length; length++) {
        byte[] prefix = Arrays.copyOf(full, length);
        try {
          BundleCodec.decode(prefix, registry.getPublic());
          failures.add("case " + i + " cut to " + length + " bytes was accepted");
        } catch (BundleFormatException e) {
          if (e.reason() != Reason.TRUNCATED) {
            failures.add("case " + i + " cut to " + length + " bytes: " + e.getMessage());
          }
        }
        checked++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isGreaterThan(CASES * 100);
  }

  @Test
  void singleByteFlipsAreRejectedByTheCheckGuardingThatByte() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < CASES; i++) {
      byte[] full = encoded[i];
      int payloadEnd = full.length - BundleCodec.DIGEST_BYTES - BundleCodec.SIGNATURE_BYTES;
      for (int flip = 0; flip < 15; flip++) {
        int position = rnd.nextInt(full.length);
        byte[] tampered = full.clone();
        tampered[position] ^= (byte) (1 + rnd.nextInt(255));
        Reason reason = reasonOf(tampered);
        Set<Reason> expected;
        if (position < 6) {
          expected = Set.of(Reason.BAD_MAGIC);
        } else if (position < 8) {
          // another supported version passes the version check and then fails the digest
          expected = Set.of(Reason.UNSUPPORTED_VERSION, Reason.DIGEST_MISMATCH);
        } else if (position < 12) {
          expected = Set.of(Reason.TRUNCATED, Reason.MALFORMED);
        } else if (position < payloadEnd + BundleCodec.DIGEST_BYTES) {
          expected = Set.of(Reason.DIGEST_MISMATCH);
        } else {
          expected = Set.of(Reason.BAD_SIGNATURE);
        }
        assertThat(reason).as("case %d, byte %d of %d", i, position, full.length).isIn(expected);
      }
    }
  }

  @Test
  void everySingleByteFlipOfOneBundleIsRejected() {
    byte[] full = encoded[3];
    for (int position = 0; position < full.length; position++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] tampered = full.clone();
        tampered[position] ^= (byte) mask;
        assertThatThrownBy(() -> BundleCodec.decode(tampered, registry.getPublic()))
            .as("byte %d mask %x", position, mask)
            .isInstanceOf(BundleFormatException.class);
      }
    }
  }

  @Test
  void anotherKeyIsRejected() {
    for (int i = 0; i < CASES; i += 4) {
      byte[] full = encoded[i];
      BundleFormatException e = catchThrowableOfType(BundleFormatException.class,
          () -> BundleCodec.decode(full, other.getPublic()));
      assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
      assertThat(e).hasMessageContaining(Ed25519Keys.keyId(other.getPublic()));
    }
  }

  @Test
  void tamperingWithARecomputedDigestStillFailsTheSignature() throws Exception {
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    SplittableRandom rnd = new SplittableRandom(8);
    for (int i = 0; i < CASES; i += 4) {
      byte[] tampered = encoded[i].clone();
      int payloadLength = ByteBuffer.wrap(tampered, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      int signedEnd = BundleCodec.HEADER_BYTES + payloadLength;
      tampered[BundleCodec.HEADER_BYTES + rnd.nextInt(payloadLength)] ^= 0x10;
      sha.update(tampered, 0, signedEnd);
      System.arraycopy(sha.digest(), 0, tampered, signedEnd, BundleCodec.DIGEST_BYTES);
      assertThat(reasonOf(tampered)).as("case %d", i).isEqualTo(Reason.BAD_SIGNATURE);
    }
  }
}
