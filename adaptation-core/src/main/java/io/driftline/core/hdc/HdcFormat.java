package io.driftline.core.hdc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The container shared by the HDC files: {@code magic(4) version(2) payloadLength(4) payload
 * crc32(4)}, big-endian, the CRC taken over everything before it. The explicit length lets a reader
 * tell a truncated file from a corrupted one and leaves a stream positioned right after the record,
 * so records can be embedded in a larger stream.
 */
final class HdcFormat {

  static final int HEADER_BYTES = 10;
  /** Larger payloads are not something Driftline writes, so a length beyond this is corruption. */
  static final int MAX_PAYLOAD_BYTES = 1 << 30;

  private HdcFormat() {}

  /** Writes {@code payload} wrapped in the container. */
  static void write(OutputStream out, int magic, short version, byte[] payload) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES);
    head.putInt(magic).putShort(version).putInt(payload.length);
    CRC32 crc = new CRC32();
    crc.update(head.array());
    crc.update(payload);
    DataOutputStream data = new DataOutputStream(out);
    data.write(head.array());
    data.write(payload);
    data.writeInt((int) crc.getValue());
    data.flush();
  }

  /** A payload writer that may throw {@link IOException}. */
  interface PayloadWriter {
    void write(DataOutputStream out) throws IOException;
  }

  /** Serialises a payload through {@code writer}. */
  static byte[] payload(PayloadWriter writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads and checks one container and returns a stream over its payload.
   *
   * @param kind what the file should hold, for messages (e.g. "HDC encoder")
   * @param source where it comes from, for messages (a file name or "stream")
   */
  static DataInputStream read(InputStream in, int magic, short version, String kind, String source)
      throws IOException {
    byte[] head = in.readNBytes(HEADER_BYTES);
    if (head.length >= 4 && ByteBuffer.wrap(head).getInt() != magic) {
      throw new HdcFormatException(
          source + " is not a Driftline " + kind + " file (magic " + hex(ByteBuffer.wrap(head).getInt())
              + ", expected " + hex(magic) + ")");
    }
    if (head.length < HEADER_BYTES) {
      throw new HdcFormatException(
          source + ": truncated " + kind + " file: header needs " + HEADER_BYTES + " bytes, got "
              + head.length);
    }
    ByteBuffer header = ByteBuffer.wrap(head);
    header.getInt();
    short foundVersion = header.getShort();
    if (foundVersion != version) {
      throw new HdcFormatException(
          source + ": " + kind + " format version " + foundVersion + " is not supported (this reader"
              + " knows version " + version + "); upgrade Driftline or re-export the file");
    }
    int length = header.getInt();
    if (length < 0 || length > MAX_PAYLOAD_BYTES) {
      throw new HdcFormatException(source + ": corrupted " + kind + " file: payload length " + length);
    }
    byte[] rest = in.readNBytes(length + 4);
    if (rest.length < length + 4) {
      throw new HdcFormatException(
          source + ": truncated " + kind + " file: expected " + (HEADER_BYTES + length + 4)
              + " bytes, got " + (HEADER_BYTES + rest.length));
    }
    CRC32 crc = new CRC32();
    crc.update(head);
    crc.update(rest, 0, length);
    int stored = ByteBuffer.wrap(rest, length, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new HdcFormatException(
          source + ": corrupted " + kind + " file: checksum mismatch (stored " + hex(stored)
              + ", computed " + hex((int) crc.getValue()) + ")");
    }
    return new DataInputStream(new ByteArrayInputStream(rest, 0, length));
  }

  /** Fails unless the payload was consumed exactly. */
  static void requireFullyRead(DataInputStream payload, String kind, String source) throws IOException {
    if (payload.available() != 0) {
      throw new HdcFormatException(
          source + ": corrupted " + kind + " file: " + payload.available() + " unexpected bytes after the data");
    }
  }

  /** Wraps an {@link EOFException} raised inside a checksummed payload, which only a bad writer causes. */
  static HdcFormatException inconsistent(String kind, String source, EOFException e) {
    return new HdcFormatException(
        source + ": corrupted " + kind + " file: the payload ends before its declared content"
            + " (" + e.getMessage() + ")");
  }

  private static String hex(int value) {
    return String.format("0x%08X", value);
  }
}
