package io.driftline.core.data;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Reads labelled image sets in the IDX format of MNIST and Fashion-MNIST: an images file (magic
 * {@code 0x00000803}, dimensions count x rows x columns, unsigned bytes) and a labels file (magic
 * {@code 0x00000801}, dimension count, unsigned bytes). Either file may be gzip-compressed; that is
 * detected from its first two bytes, not from its name.
 *
 * <p>The pixels stay in memory as 8-bit values; {@link LabeledImages#image} converts one sample at a
 * time to a 1-channel {@link io.driftline.core.image.Image} in [0,1].
 */
public final class IdxReader {

  /** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  /** Magic number of an IDX file of unsigned bytes with three dimensions (images). */
  public static final int IMAGES_MAGIC = 0x00000803;

  private static final int UNSIGNED_BYTE = 0x08;
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * Finds the IDX file {@code name} in a folder, plain or gzip-compressed ({@code name.gz}).
   *
   * @return the file, or empty if neither form exists
   */
  public static Optional<Path> find(Path directory, String name) {
    for (Path candidate : List.of(directory.resolve(name), directory.resolve(name + ".gz"))) {
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Reads an images file and its labels file, naming the classes {@code "0"} up to the largest label.
   *
   * @throws DatasetException if a file is missing, truncated, corrupt, or the two files disagree
   */
  public static LabeledImages read(Path images, Path labels) {
    return read(images, labels, null);
  }

  /**
   * Reads an images file and its labels file with the given class names (index = label).
   *
   * @param classNames names by label; every label in the file must be below its size. Null names
   *     the classes {@code "0"} up to the largest label.
   * @throws DatasetException if a file is missing, truncated, corrupt, the two files disagree, or a
   *     label has no class name
   */
  public static LabeledImages read(Path images, Path labels, @Nullable List<String> classNames) {
    IdxArray pixelArray = readArray(images, IMAGES_MAGIC, "images");
    IdxArray labelArray = readArray(labels, LABELS_MAGIC, "labels");
    int count = pixelArray.dims()[0];
    if (labelArray.dims()[0] != count) {
      throw new DatasetException(
          labels,
          "image/label count mismatch: images file " + images + " holds " + count
              + " images but labels file " + labels + " holds " + labelArray.dims()[0]
              + " labels; the two files must come from the same set");
    }
    int maxLabel = -1;
    for (byte b : labelArray.data()) {
      maxLabel = Math.max(maxLabel, b & 0xFF);
    }
    List<String> names;
    if (classNames == null) {
      names = new ArrayList<>();
      for (int c = 0; c <= maxLabel; c++) {
        names.add(Integer.toString(c));
      }
    } else {
      if (maxLabel >= classNames.size()) {
        throw new DatasetException(
            labels,
            "label " + maxLabel + " in " + labels + " has no class name: " + classNames.size()
                + " class names were given (" + String.join(", ", classNames) + ")");
      }
      names = classNames;
    }
    return new Uint8Images(
        1, pixelArray.dims()[1], pixelArray.dims()[2], pixelArray.data(), labelArray.data(), names,
        images + " + " + labels.getFileName());
  }

  /**
   * Reads an images file without labels, for tools that only show or replay pixels.
   *
   * @return the images in file order, each converted to a 1-channel image on access
   * @throws DatasetException if the file is missing, truncated or corrupt
   */
  public static List<Image> readImages(Path images) {
    IdxArray array = readArray(images, IMAGES_MAGIC, "images");
    int count = array.dims()[0];
    int rows = array.dims()[1];
    int cols = array.dims()[2];
    int plane = rows * cols;
    byte[] data = array.data();
    return new AbstractList<>() {
      @Override
      public Image get(int index) {
        Uint8Images.checkIndex(index, count, images.toString());
        return ImageOps.fromUint8(1, rows, cols, Arrays.copyOfRange(data, index * plane, (index + 1) * plane));
      }

      @Override
      public int size() {
        return count;
      }
    };
  }

  /** The decoded dimensions and raw unsigned bytes of one IDX file. */
  record IdxArray(int[] dims, byte[] data) {}

  /**
   * Reads one IDX file of unsigned bytes whose magic must be {@code expectedMagic}.
   *
   * @param what "images" or "labels", for messages
   */
  static IdxArray readArray(Path file, int expectedMagic, String what) {
    boolean gzip = false;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
        return parse(file, in, expectedMagic, what, gzip);
      }
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "IDX " + what + " file " + file + " does not exist", e);
    } catch (ZipException | EOFException e) {
      // Both come from GZIPInputStream: a damaged deflate stream or one cut off before its end.
      throw new DatasetException(
          file,
          "gzip data of " + what + " file " + file + " is corrupt or truncated (" + e.getMessage()
              + "); download or copy the file again",
          e);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read IDX " + what + " file " + file + ": " + e, e);
    }
  }

  private static IdxArray parse(Path file, InputStream in, int expectedMagic, String what, boolean gzip)
      throws IOException {
    String name = what + " file " + file + (gzip ? " (after gunzip)" : "");
    byte[] head = in.readNBytes(4);
    if (head.length < 4) {
      throw new DatasetException(
          file, name + " is shorter than its header: expected at least 4 bytes, found " + head.length);
    }
    int magic = readInt(head, 0);
    int expectedDims = expectedMagic & 0xFF;
    if (magic != expectedMagic) {
      String why;
      if ((magic >>> 16) != 0) {
        why = "this is not an IDX file";
      } else if (((magic >>> 8) & 0xFF) != UNSIGNED_BYTE) {
        why = String.format("element type 0x%02X is not supported, only 0x08 (unsigned byte)", (magic >>> 8) & 0xFF);
      } else {
        why = "dimension count " + (magic & 0xFF) + " where " + what + " need " + expectedDims
            + (what.equals("images") && (magic & 0xFF) == 1 ? " (is this a labels file?)"
                : what.equals("labels") && (magic & 0xFF) == 3 ? " (is this an images file?)" : "");
      }
      throw new DatasetException(
          file, String.format("bad magic number in %s: expected 0x%08X, found 0x%08X; %s", name, expectedMagic, magic, why));
    }
    byte[] dimBytes = in.readNBytes(4 * expectedDims);
    if (dimBytes.length < 4 * expectedDims) {
      throw new DatasetException(
          file, name + " is shorter than its header promises: expected " + (4 + 4 * expectedDims)
              + " header bytes, found " + (4 + dimBytes.length));
    }
    int[] dims = new int[expectedDims];
    // one sample (the dimensions after the count) is checked on its own: with a count of 0 the
    // total is 0 whatever the other dimensions say, and a reader sizes one sample's array by them
    long sample = 1;
    for (int d = 0; d < expectedDims; d++) {
      dims[d] = readInt(dimBytes, 4 * d);
      if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
        throw new DatasetException(file, name + " has an invalid size " + dims[d] + " in dimension " + d);
      }
      if (d > 0) {
        sample *= dims[d];
      }
      if (sample > MAX_ARRAY || (long) dims[0] * sample > MAX_ARRAY) {
        throw new DatasetException(
            file, name + " declares " + Arrays.toString(dims) + " elements, more than one array can hold");
      }
    }
    long total = (long) dims[0] * sample;
    byte[] data = in.readNBytes((int) total);
    if (data.length < total) {
      throw new DatasetException(
          file, name + " is shorter than its header promises: dimensions " + Arrays.toString(dims)
              + " need " + total + " data bytes, found only " + data.length + " (the file is truncated)");
    }
    if (in.read() != -1) {
      throw new DatasetException(
          file, name + " has bytes after the " + total + " data bytes its header " + Arrays.toString(dims)
              + " declares; the header does not describe this file");
    }
    return new IdxArray(dims, data);
  }

  private static int readInt(byte[] b, int offset) {
    return ((b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16) | ((b[offset + 2] & 0xFF) << 8)
        | (b[offset + 3] & 0xFF);
  }
}
