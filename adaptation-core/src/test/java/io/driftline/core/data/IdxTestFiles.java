package io.driftline.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests, independently of the reader under test. */
final class IdxTestFiles {

  private IdxTestFiles() {}

  /** Returns the bytes of an IDX file with the given magic, dimensions and data. */
  static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    buffer.putInt(magic);
    for (int d : dims) {
      buffer.putInt(d);
    }
    buffer.put(data);
    return buffer.array();
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Path write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes an images/labels pair of {@code n} images of {@code h x w}; returns {images, labels}. */
  static Path[] writePair(Path dir, String prefix, byte[] pixels, byte[] labels, int h, int w, boolean gzip) {
    byte[] images = idx(IdxReader.IMAGES_MAGIC, new int[] {labels.length, h, w}, pixels);
    byte[] labelFile = idx(IdxReader.LABELS_MAGIC, new int[] {labels.length}, labels);
    String ext = gzip ? ".gz" : "";
    return new Path[] {
      write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), gzip ? gzip(images) : images),
      write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), gzip ? gzip(labelFile) : labelFile)
    };
  }
}
