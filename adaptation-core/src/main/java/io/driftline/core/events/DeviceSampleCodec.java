package io.driftline.core.events;

import io.driftline.core.hdc.Hypervector;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The compact binary format of a {@link DeviceSample}: a magic byte, a format version, presence
 * flags, length-prefixed UTF-8 strings, fixed-width big-endian numbers and the raw uint8 pixels.
 * A 28x28 grey sample costs the 784 pixel bytes plus about 150 bytes, not the ~4/3 of base64 JSON.
 *
 * <p>Layout (offsets after the strings depend on their lengths; {@code str} is an unsigned 16-bit
 * byte length followed by that many UTF-8 bytes):
 *
 * <pre>
 * u8   magic 0xD1
 * u8   format version 1
 * u8   flags: bit 0 activeBundle, bit 1 domainHint, bit 2 features, bit 3 hypervector; others 0
 * str  eventId, str deviceId, str studentModelId
 * [str bundleId, i64 bundleVersion]          if bit 0
 * i64  windowSeq, i64 frameIndex
 * i64  capturedAt epoch second, i32 nano-of-second
 * f32  uncertainty, f32 oodScore, i32 predictedClass
 * [str domainHint]                           if bit 1
 * u8   channels, u16 height, u16 width
 * u8[channels*height*width] pixels, CHW
 * [i32 count, f32[count] features]           if bit 2
 * [i32 dimension, i64[ceil(dimension/64)]]   if bit 3
 * </pre>
 *
 * <p>The record must end exactly after the last section: every length is checked against the bytes
 * that remain before anything is allocated, so a truncated or hostile record fails with an
 * {@link EventFormatException} instead of a huge allocation or a silently wrong sample. There is no
 * checksum because Kafka already checks every record batch with CRC-32C.
 */
public final class DeviceSampleCodec {

  /** First byte of every encoded sample; not a printable character, so JSON sent here by mistake is told apart. */
  public static final byte MAGIC = (byte) 0xD1;
  /** The format version this codec writes and reads. */
  public static final byte VERSION = 1;

  static final int FLAG_BUNDLE = 1;
  static final int FLAG_DOMAIN_HINT = 1 << 1;
  static final int FLAG_FEATURES = 1 << 2;
  static final int FLAG_HYPERVECTOR = 1 << 3;
  private static final int KNOWN_FLAGS = FLAG_BUNDLE | FLAG_DOMAIN_HINT | FLAG_FEATURES | FLAG_HYPERVECTOR;

  /** Bytes of a sample without strings, pixels and optional sections: header, numbers, shape, 3 length prefixes. */
  static final int FIXED_BYTES = 3 + 3 * 2 + 8 + 8 + 12 + 4 + 4 + 4 + 5;

  private DeviceSampleCodec() {}

  /** Returns the exact number of bytes {@link #encode} produces for {@code sample}. */
  public static int encodedSize(DeviceSample sample) {
    long size = FIXED_BYTES
        + utf8Length(sample.eventId()) + utf8Length(sample.deviceId()) + utf8Length(sample.studentModelId())
        + (long) sample.pixels().length;
    if (sample.activeBundle() != null) {
      size += 2 + utf8Length(sample.activeBundle().bundleId()) + 8;
    }
    if (sample.domainHint() != null) {
      size += 2 + utf8Length(sample.domainHint());
    }
    if (sample.features() != null) {
      size += 4 + 4L * sample.features().length;
    }
    if (sample.hypervector() != null) {
      size += 4 + 8L * sample.hypervector().wordCount();
    }
    return Math.toIntExact(size);
  }

  /** Encodes {@code sample} in the binary format described on this class. */
  public static byte[] encode(DeviceSample sample) {
    BundleRef bundle = sample.activeBundle();
    String hint = sample.domainHint();
    float[] features = sample.features();
    Hypervector hv = sample.hypervector();
    int flags = (bundle != null ? FLAG_BUNDLE : 0)
        | (hint != null ? FLAG_DOMAIN_HINT : 0)
        | (features != null ? FLAG_FEATURES : 0)
        | (hv != null ? FLAG_HYPERVECTOR : 0);

    ByteBuffer out = ByteBuffer.allocate(encodedSize(sample));
    out.put(MAGIC).put(VERSION).put((byte) flags);
    putString(out, sample.eventId());
    putString(out, sample.deviceId());
    putString(out, sample.studentModelId());
    if (bundle != null) {
      putString(out, bundle.bundleId());
      out.putLong(bundle.version());
    }
    out.putLong(sample.windowSeq());
    out.putLong(sample.frameIndex());
    out.putLong(sample.capturedAt().getEpochSecond());
    out.putInt(sample.capturedAt().getNano());
    out.putFloat(sample.uncertainty());
    out.putFloat(sample.oodScore());
    out.putInt(sample.predictedClass());
    if (hint != null) {
      putString(out, hint);
    }
    out.put((byte) sample.channels());
    out.putShort((short) sample.height());
    out.putShort((short) sample.width());
    out.put(sample.pixels());
    if (features != null) {
      out.putInt(features.length);
      for (float f : features) {
        out.putFloat(f);
      }
    }
    if (hv != null) {
      out.putInt(hv.dimension());
      for (int w = 0; w < hv.wordCount(); w++) {
        out.putLong(hv.word(w));
      }
    }
    if (out.hasRemaining()) {
      throw new IllegalStateException("encodedSize disagrees with encode by " + out.remaining() + " bytes");
    }
    return out.array();
  }

  /**
   * Decodes a sample read from {@code topic} (the topic only goes into error messages).
   *
   * @throws EventFormatException if the bytes are not a complete, valid version-1 sample; the
   *     message names the field and offset where reading failed
   */
  public static DeviceSample decode(String topic, byte[] data) {
    Reader in = new Reader(topic, data);
    byte magic = in.u8Raw("magic");
    if (magic != MAGIC) {
      throw in.error(String.format("bad magic byte 0x%02X, expected 0x%02X: not a Driftline device sample%s",
          magic & 0xFF, MAGIC & 0xFF, magic == '{' ? " (it looks like JSON)" : ""));
    }
    int version = in.u8("version");
    if (version != VERSION) {
      throw in.error("unsupported format version " + version + ", this reader understands version " + VERSION);
    }
    int flags = in.u8("flags");
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw in.error(String.format("unknown flag bits 0x%02X in flags 0x%02X", flags & ~KNOWN_FLAGS, flags));
    }
    String eventId = in.string("eventId");
    String deviceId = in.string("deviceId");
    String studentModelId = in.string("studentModelId");
    String bundleId = null;
    long bundleVersion = 0;
    if ((flags & FLAG_BUNDLE) != 0) {
      bundleId = in.string("activeBundle.bundleId");
      bundleVersion = in.i64("activeBundle.version");
    }
    long windowSeq = in.i64("windowSeq");
    long frameIndex = in.i64("frameIndex");
    long epochSecond = in.i64("capturedAt.epochSecond");
    int nano = in.i32("capturedAt.nano");
    float uncertainty = in.f32("uncertainty");
    float oodScore = in.f32("oodScore");
    int predictedClass = in.i32("predictedClass");
    String hint = (flags & FLAG_DOMAIN_HINT) != 0 ? in.string("domainHint") : null;
    int channels = in.u8("channels");
    int height = in.u16("height");
    int width = in.u16("width");
    long pixelCount = (long) channels * height * width;
    if (pixelCount > DeviceSample.MAX_PIXEL_BYTES) {
      throw in.error("pixels: shape " + channels + "x" + height + "x" + width + " has " + pixelCount
          + " bytes, more than the limit " + DeviceSample.MAX_PIXEL_BYTES);
    }
    byte[] pixels = in.bytes((int) pixelCount, "pixels");
    float[] features = null;
    if ((flags & FLAG_FEATURES) != 0) {
      int count = in.i32("features.count");
      if (count < 0 || count > DeviceSample.MAX_FEATURES) {
        throw in.error("features.count " + count + " is outside [0, " + DeviceSample.MAX_FEATURES + "]");
      }
      in.require(4L * count, "features");
      features = new float[count];
      for (int i = 0; i < count; i++) {
        features[i] = in.f32("features");
      }
    }
    Hypervector hv = null;
    if ((flags & FLAG_HYPERVECTOR) != 0) {
      int dimension = in.i32("hypervector.dimension");
      if (dimension < 1 || dimension > DeviceSample.MAX_HYPERVECTOR_BITS) {
        throw in.error("hypervector.dimension " + dimension + " is outside [1, "
            + DeviceSample.MAX_HYPERVECTOR_BITS + "]");
      }
      int wordCount = Hypervector.wordsFor(dimension);
      in.require(8L * wordCount, "hypervector.words");
      long[] words = new long[wordCount];
      for (int i = 0; i < wordCount; i++) {
        words[i] = in.i64("hypervector.words");
      }
      try {
        hv = new Hypervector(dimension, words);
      } catch (IllegalArgumentException e) {
        throw in.error("hypervector is invalid: " + e.getMessage());
      }
    }
    if (in.remaining() != 0) {
      throw in.error(in.remaining() + " unexpected trailing bytes after the last section");
    }

    try {
      BundleRef bundle = bundleId == null ? null : new BundleRef(bundleId, bundleVersion);
      if (nano < 0 || nano > 999_999_999) {
        throw new IllegalArgumentException("capturedAt.nano must be in [0, 999999999], got " + nano);
      }
      Instant capturedAt = Instant.ofEpochSecond(epochSecond, nano);
      return new DeviceSample(eventId, deviceId, studentModelId, bundle, windowSeq, frameIndex,
          capturedAt, uncertainty, oodScore, predictedClass, hint, channels, height, width, pixels,
          features, hv);
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new EventFormatException(topic, "invalid field: " + e.getMessage(), e);
    }
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void putString(ByteBuffer out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.putShort((short) utf8.length);
    out.put(utf8);
  }

  /** Bounds-checked big-endian reads whose failures name the field, offset and topic. */
  private static final class Reader {
    private final String topic;
    private final ByteBuffer buf;

    Reader(String topic, byte[] data) {
      this.topic = topic;
      this.buf = ByteBuffer.wrap(data);
    }

    int remaining() {
      return buf.remaining();
    }

    EventFormatException error(String reason) {
      return new EventFormatException(topic, reason);
    }

    void require(long bytes, String field) {
      if (bytes > buf.remaining()) {
        throw error("truncated: " + field + " needs " + bytes + " bytes at offset " + buf.position()
            + " but only " + buf.remaining() + " remain (record is " + buf.limit() + " bytes)");
      }
    }

    byte u8Raw(String field) {
      require(1, field);
      return buf.get();
    }

    int u8(String field) {
      return u8Raw(field) & 0xFF;
    }

    int u16(String field) {
      require(2, field);
      return buf.getShort() & 0xFFFF;
    }

    int i32(String field) {
      require(4, field);
      return buf.getInt();
    }

    long i64(String field) {
      require(8, field);
      return buf.getLong();
    }

    float f32(String field) {
      require(4, field);
      return buf.getFloat();
    }

    byte[] bytes(int count, String field) {
      require(count, field);
      byte[] out = new byte[count];
      buf.get(out);
      return out;
    }

    String string(String field) {
      int length = u16(field + ".length");
      require(length, field);
      int at = buf.position();
      ByteBuffer slice = buf.slice();
      slice.limit(length);
      try {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(slice);
        buf.position(at + length);
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw error(field + " at offset " + at + " is not valid UTF-8");
      }
    }
  }
}
