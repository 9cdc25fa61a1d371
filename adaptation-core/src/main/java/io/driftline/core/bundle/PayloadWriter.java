package io.driftline.core.bundle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Little-endian writer for bundle payloads. */
final class PayloadWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

  void u8(int value) {
    out.write(value);
  }

  void u32(long value) {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("value " + value + " does not fit an unsigned 32-bit field");
    }
    scratch.clear();
    scratch.putInt((int) value);
    out.write(scratch.array(), 0, 4);
  }

  void i32(int value) {
    scratch.clear();
    scratch.putInt(value);
    out.write(scratch.array(), 0, 4);
  }

  void i64(long value) {
    scratch.clear();
    scratch.putLong(value);
    out.write(scratch.array(), 0, 8);
  }

  void bytes(byte[] values) {
    out.write(values, 0, values.length);
  }

  void floats(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    bytes(buffer.array());
  }

  void longs(long[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asLongBuffer().put(values);
    bytes(buffer.array());
  }

  /** Writes a u32 byte length and strict UTF-8; {@code field} names the value in errors. */
  void string(String field, String value) {
    ByteBuffer encoded;
    try {
      encoded = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "bundle field " + field + " is not valid Unicode (unpaired surrogate?): cannot encode it"
              + " as UTF-8", e);
    }
    byte[] utf8 = new byte[encoded.remaining()];
    encoded.get(utf8);
    u32(utf8.length);
    bytes(utf8);
  }

  /** Writes a section: a one-byte tag, a u32 body length and the body. */
  void section(int tag, PayloadWriter body) {
    u8(tag);
    byte[] bytes = body.toByteArray();
    u32(bytes.length);
    bytes(bytes);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
