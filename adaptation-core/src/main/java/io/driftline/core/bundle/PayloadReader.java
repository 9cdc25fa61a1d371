package io.driftline.core.bundle;

import io.driftline.core.bundle.BundleFormatException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Little-endian reader for bundle payloads that checks every length against the bytes actually
 * left before allocating anything, so a hostile length field fails cleanly instead of exhausting
 * memory.
 */
final class PayloadReader {

  private final ByteBuffer buffer;
  private final String where;

  PayloadReader(ByteBuffer buffer, String where) {
    this.buffer = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
    this.where = where;
  }

  int remaining() {
    return buffer.remaining();
  }

  boolean hasRemaining() {
    return buffer.hasRemaining();
  }

  BundleFormatException malformed(String message) {
    return new BundleFormatException(Reason.MALFORMED, where + ": " + message);
  }

  private void need(long bytes, String field) throws BundleFormatException {
    if (bytes > buffer.remaining()) {
      throw malformed(field + " needs " + bytes + " bytes but only " + buffer.remaining() + " remain");
    }
  }

  int u8(String field) throws BundleFormatException {
    need(1, field);
    return buffer.get() & 0xFF;
  }

  long u32(String field) throws BundleFormatException {
    need(4, field);
    return buffer.getInt() & 0xFFFF_FFFFL;
  }

  /**
   * Reads a u32 size (a dimension or a row or column count) that must lie in {@code [1, 2^31 - 1]},
   * so that it can size a Java array and a cast to {@code int} cannot turn it negative.
   */
  int size(String field) throws BundleFormatException {
    long value = u32(field);
    if (value == 0 || value > Integer.MAX_VALUE) {
      throw malformed(field + " is " + value + ", outside 1.." + Integer.MAX_VALUE);
    }
    return (int) value;
  }

  int i32(String field) throws BundleFormatException {
    need(4, field);
    return buffer.getInt();
  }

  long i64(String field) throws BundleFormatException {
    need(8, field);
    return buffer.getLong();
  }

  /**
   * Reads a u32 element count and checks that {@code count * elementBytes} bytes remain, so the
   * caller may allocate the array.
   */
  int count(String field, long elementBytes) throws BundleFormatException {
    long count = u32(field);
    checkCount(field, count, elementBytes);
    return (int) count;
  }

  /** Checks that {@code count} elements of {@code elementBytes} each fit in what remains. */
  void checkCount(String field, long count, long elementBytes) throws BundleFormatException {
    if (count < 0 || count > Integer.MAX_VALUE || count * elementBytes > buffer.remaining()) {
      throw malformed(field + " claims " + count + " elements of " + elementBytes
          + " bytes but only " + buffer.remaining() + " bytes remain");
    }
  }

  /** Multiplies element counts, rejecting any product beyond what one Java array can hold. */
  long product(String field, long... factors) throws BundleFormatException {
    long result = 1;
    try {
      for (long factor : factors) {
        result = Math.multiplyExact(result, factor);
      }
    } catch (ArithmeticException e) {
      result = Long.MAX_VALUE;
    }
    if (result > Integer.MAX_VALUE) {
      throw malformed(field + " " + Arrays.toString(factors) + " describe more elements than fit"
          + " in one array");
    }
    return result;
  }

  float[] floats(String field, int count) throws BundleFormatException {
    checkCount(field, count, 4);
    float[] values = new float[count];
    buffer.asFloatBuffer().get(values);
    buffer.position(buffer.position() + 4 * count);
    return values;
  }

  long[] longs(String field, int count) throws BundleFormatException {
    checkCount(field, count, 8);
    long[] values = new long[count];
    buffer.asLongBuffer().get(values);
    buffer.position(buffer.position() + 8 * count);
    return values;
  }

  byte[] bytes(String field, int count) throws BundleFormatException {
    checkCount(field, count, 1);
    byte[] values = new byte[count];
    buffer.get(values);
    return values;
  }

  String string(String field) throws BundleFormatException {
    int length = count(field + " length", 1);
    ByteBuffer utf8 = buffer.slice().limit(length);
    buffer.position(buffer.position() + length);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(utf8)
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed(field + " is not valid UTF-8");
    }
  }

  /** Returns a reader over the next {@code length} bytes and skips them here. */
  PayloadReader sub(long length, String subWhere) throws BundleFormatException {
    checkCount(subWhere + " length", length, 1);
    ByteBuffer body = buffer.slice().limit((int) length);
    buffer.position(buffer.position() + (int) length);
    return new PayloadReader(body, subWhere);
  }

  void requireEnd() throws BundleFormatException {
    if (buffer.hasRemaining()) {
      throw malformed(buffer.remaining() + " unexpected trailing bytes");
    }
  }
}
