package io.driftline.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.driftline.core.bundle.BundleFormatException.Reason;
import io.driftline.core.fuzz.AllocationBudget;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.Arrays;
import io.driftline.core.fuzz.SeedCorpus;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzz tests of {@link BundleCodec#decode}: the payload parser on any signed bytes,
 * and that altering a real bundle anywhere is always caught. The normal build replays the inputs
 * under {@code src/test/resources/io/driftline/core/bundle/BundleCodecFuzzTestInputs}; run with
 * {@code JAZZER_FUZZ=1} to fuzz (see {@code docs/testing.md#fuzzing}).
 */
class BundleCodecFuzzTest {

  /** Where the parser runs, only authenticated bytes arrive, so the fuzzer signs what it makes. */
  private static final KeyPair REGISTRY = Ed25519Keys.generate();
  private static final KeyPair ATTACKER = Ed25519Keys.generate();

  /** Real bundles of both format versions from the real encoder, the targets of the alterations. */
  private static final byte[][] GENUINE = genuineBundles();

  /**
   * Copies of the input, strings and field names: well under 64 bytes per input byte; the fixed
   * part covers at most two HDC encoders regenerated from their seeds (a few MiB each).
   */
  private static final AllocationBudget BUDGET = AllocationBudget.of(64, 16 << 20);

  private static byte[][] genuineBundles() {
    byte[][] bundles = new byte[8][];
    for (int i = 0; i < bundles.length; i++) {
      bundles[i] = BundleCodec.encode(RandomBundles.bundle(7_000 + i), REGISTRY.getPrivate());
    }
    return bundles;
  }

  /**
   * Any payload decodes to a bundle that re-encodes to an equal one, or is rejected as
   * {@link Reason#MALFORMED} with a message; nothing else escapes. The first input byte's low bit
   * picks format version 1 or 2, the rest is the payload. The payload goes straight to the parser
   * that {@link BundleCodec#decode} runs once digest and signature have verified (signing every input
   * would cost two Ed25519 operations and leave the fuzzer a hundredth of its speed);
   * {@link #anyFileIsRejectedWithAReason} covers the checks before it.
   */
  @FuzzTest(maxDuration = "6m")
  void payloadParsesOrIsRejected(byte[] input) throws Exception {
    int version = input.length == 0 ? BundleCodec.FORMAT_VERSION_1 : 1 + (input[0] & 1);
    ByteBuffer payload = ByteBuffer.wrap(input, Math.min(1, input.length), Math.max(0, input.length - 1));

    Bundle bundle;
    try {
      bundle = BUDGET.decode(input.length, "a bundle payload", () -> BundleCodec.parsePayload(payload.duplicate(), version));
    } catch (BundleFormatException e) {
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.MALFORMED);
      assertThat(e.getMessage()).startsWith("MALFORMED: ").hasSizeGreaterThan("MALFORMED: ".length() + 10);
      return;
    }

    // what a device does next with an installed bundle must work on anything the parser accepted
    bundle.router(0.5);
    bundle.frameRouter();
    byte[] file = BundleCodec.encode(bundle, REGISTRY.getPrivate());
    assertThat(BundleCodec.decode(file, REGISTRY.getPublic())).isEqualTo(bundle);
  }

  /**
   * A genuine bundle altered in any way never verifies: a changed, cut or inserted byte anywhere, a
   * change whose SHA-256 was recomputed, or a changed payload re-signed with another key.
   */
  @FuzzTest(maxDuration = "3m")
  void alteredBundleNeverVerifies(FuzzedDataProvider data) {
    byte[] genuine = GENUINE[data.consumeInt(0, GENUINE.length - 1)];
    int signedEnd = genuine.length - BundleCodec.DIGEST_BYTES - BundleCodec.SIGNATURE_BYTES;
    byte[] altered;
    switch (data.consumeInt(0, 4)) {
      case 0 -> {
        altered = genuine.clone();
        altered[data.consumeInt(0, genuine.length - 1)] ^= (byte) data.consumeInt(1, 255);
      }
      case 1 -> altered = Arrays.copyOf(genuine, data.consumeInt(0, genuine.length - 1));
      case 2 -> {
        int at = data.consumeInt(0, genuine.length);
        byte[] extra = data.consumeBytes(1 + data.consumeInt(0, 63));
        if (extra.length == 0) {
          extra = new byte[] {0};
        }
        altered = new byte[genuine.length + extra.length];
        System.arraycopy(genuine, 0, altered, 0, at);
        System.arraycopy(extra, 0, altered, at, extra.length);
        System.arraycopy(genuine, at, altered, at + extra.length, genuine.length - at);
      }
      case 3 -> {
        // an attacker who can fix the digest but has no registry key
        altered = genuine.clone();
        altered[data.consumeInt(BundleCodec.HEADER_BYTES, signedEnd - 1)] ^= (byte) data.consumeInt(1, 255);
        System.arraycopy(sha256(altered, signedEnd), 0, altered, signedEnd, BundleCodec.DIGEST_BYTES);
      }
      default -> {
        // a well-formed bundle with a changed payload, properly sealed, but by another key
        byte[] payload = Arrays.copyOfRange(genuine, BundleCodec.HEADER_BYTES, signedEnd);
        if (payload.length > 0) {
          payload[data.consumeInt(0, payload.length - 1)] ^= (byte) data.consumeInt(0, 255);
        }
        int version = ByteBuffer.wrap(genuine).order(ByteOrder.LITTLE_ENDIAN).getShort(BundleCodec.MAGIC.length);
        altered = BundleCodec.seal(payload, version, ATTACKER.getPrivate());
      }
    }

    BundleFormatException rejected = catchThrowableOfType(BundleFormatException.class,
        () -> BundleCodec.decode(altered, REGISTRY.getPublic()));
    assertThat(rejected).as("an altered bundle verified").isNotNull();
    assertThat(rejected.getMessage()).startsWith(rejected.reason() + ": ");
  }

  /** Any bytes at all, as a device might download them, are rejected with a reason (or verify). */
  @FuzzTest(maxDuration = "2m")
  void anyFileIsRejectedWithAReason(byte[] file) {
    BundleFormatException rejected = catchThrowableOfType(BundleFormatException.class,
        () -> BUDGET.decode(file.length, "a bundle file", () -> BundleCodec.decode(file, REGISTRY.getPublic())));
    assertThat(rejected).as("random bytes verified as a bundle").isNotNull();
    assertThat(rejected.getMessage()).startsWith(rejected.reason() + ": ");
  }

  /** Every generated valid bundle decodes to itself: decode(encode(x)) == x. */
  @FuzzTest(maxDuration = "1m")
  void generatedBundlesRoundTrip(FuzzedDataProvider data) throws BundleFormatException {
    Bundle bundle = RandomBundles.bundle(data.consumeLong());
    byte[] file = BundleCodec.encode(bundle, REGISTRY.getPrivate());
    assertThat(BundleCodec.decode(file, REGISTRY.getPublic())).isEqualTo(bundle);
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, length);
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the seed inputs from real bundles; run with {@code -Ddriftline.fuzz.seeds=src/test/resources}. */
  @Test
  @EnabledIfSystemProperty(named = SeedCorpus.PROPERTY, matches = ".+")
  void writeSeeds() {
    SeedCorpus payloads = SeedCorpus.of(getClass(), "payloadParsesOrIsRejected");
    SeedCorpus files = SeedCorpus.of(getClass(), "anyFileIsRejectedWithAReason");
    int[] written = new int[3];
    for (long seed = 0; written[1] + written[2] < 10 && seed < 1_000; seed++) {
      Bundle bundle = RandomBundles.bundle(seed);
      byte[] file = BundleCodec.encode(bundle, REGISTRY.getPrivate());
      int version = BundleCodec.versionOf(bundle);
      if (file.length > 3_000 || written[version] >= 5) {
        continue; // small seeds mutate faster; five of each format version
      }
      byte[] input = new byte[file.length - BundleCodec.HEADER_BYTES - BundleCodec.DIGEST_BYTES
          - BundleCodec.SIGNATURE_BYTES + 1];
      input[0] = (byte) (version - 1);
      System.arraycopy(file, BundleCodec.HEADER_BYTES, input, 1, input.length - 1);
      payloads.add(input);
      files.add(file);
      written[version]++;
    }
    SeedCorpus altered = SeedCorpus.of(getClass(), "alteredBundleNeverVerifies");
    SeedCorpus generated = SeedCorpus.of(getClass(), "generatedBundlesRoundTrip");
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 5; i++) {
      byte[] choices = new byte[24];
      rnd.nextBytes(choices);
      choices[choices.length - 1] = (byte) i; // FuzzedDataProvider reads integers from the end
      altered.add(choices);
      generated.add(java.util.Arrays.copyOf(choices, 8));
    }
  }
}
