package io.driftline.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.driftline.core.fuzz.AllocationBudget;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import io.driftline.core.fuzz.SeedCorpus;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzz tests of {@link IdxReader} on any pair of images and labels files, plain or
 * gzip-compressed. The normal build replays the inputs under
 * {@code src/test/resources/io/driftline/core/data/IdxReaderFuzzTestInputs}; run with
 * {@code JAZZER_FUZZ=1} to fuzz (see {@code docs/testing.md#fuzzing}).
 */
class IdxReaderFuzzTest {

  /** One pair of files, rewritten for every input (the reader takes paths). */
  private static final Path DIR = tempDir();
  private static final Path IMAGES = DIR.resolve("images-idx3-ubyte");
  private static final Path LABELS = DIR.resolve("labels-idx1-ubyte");

  /** The pixels and labels are kept once; reading goes through 64 KiB buffers and gunzip windows. */
  private static final AllocationBudget BUDGET = AllocationBudget.of(8, 1 << 20);

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("idx-fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Any two files read as a labelled set whose every image and label can be read, or fail with a
   * {@link DatasetException} naming the problem. Input layout: byte 0 bit 0 gzips the images file,
   * bit 1 the labels file; bytes 1-2 (big-endian) are the images file's length (capped at what
   * remains); the images file; the labels file.
   */
  @FuzzTest(maxDuration = "6m")
  void anyFilePairReadsOrIsRejected(byte[] input) throws Exception {
    int flags = input.length > 0 ? input[0] : 0;
    int imagesLength = input.length > 2 ? ((input[1] & 0xFF) << 8 | (input[2] & 0xFF)) : 0;
    int from = Math.min(3, input.length);
    int split = Math.min(input.length, from + imagesLength);
    byte[] images = Arrays.copyOfRange(input, from, split);
    byte[] labels = Arrays.copyOfRange(input, split, input.length);
    Files.write(IMAGES, (flags & 1) != 0 ? IdxTestFiles.gzip(images) : images);
    Files.write(LABELS, (flags & 2) != 0 ? IdxTestFiles.gzip(labels) : labels);
    long plainBytes = plainLength(IMAGES) + plainLength(LABELS);

    LabeledImages set;
    try {
      set = BUDGET.decode(plainBytes, "an IDX pair", () -> IdxReader.read(IMAGES, LABELS));
    } catch (DatasetException e) {
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.file()).isIn(IMAGES, LABELS);
      return;
    }
    checkUsable(set);
  }

  /** Any images file read on its own (as the contact-sheet tool does) gives images that can be read. */
  @FuzzTest(maxDuration = "2m")
  void anyImagesFileReadsOrIsRejected(byte[] input) throws Exception {
    Files.write(IMAGES, input);
    List<Image> images;
    try {
      images = BUDGET.decode(plainLength(IMAGES), "an IDX images file", () -> IdxReader.readImages(IMAGES));
    } catch (DatasetException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    int size = images.size();
    if (size > 0) {
      Image last = images.get(size - 1);
      assertThat(last.channels()).isEqualTo(1);
    }
    assertThatThrownBy(() -> images.get(size)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** Every generated set written as an IDX pair, plain or gzip, reads back pixel for pixel. */
  @FuzzTest(maxDuration = "1m")
  void generatedSetsRoundTrip(FuzzedDataProvider data) {
    int count = data.consumeInt(0, 20);
    int height = data.consumeInt(1, 40);
    int width = data.consumeInt(1, 40);
    boolean gzip = data.consumeBoolean();
    byte[] labels = data.consumeBytes(count);
    count = labels.length;
    byte[] pixels = new byte[count * height * width];
    byte[] given = data.consumeRemainingAsBytes();
    System.arraycopy(given, 0, pixels, 0, Math.min(given.length, pixels.length));
    Path[] pair = IdxTestFiles.writePair(DIR, "gen", pixels, labels, height, width, gzip);

    LabeledImages set = IdxReader.read(pair[0], pair[1]);
    assertThat(set.size()).isEqualTo(count);
    for (int i = 0; i < count; i++) {
      assertThat(set.label(i)).isEqualTo(labels[i] & 0xFF);
      assertThat(ImageOps.toUint8(set.image(i)))
          .isEqualTo(Arrays.copyOfRange(pixels, i * height * width, (i + 1) * height * width));
    }
  }

  /** Every image and label of an accepted set is readable, and a label always has a class name. */
  private static void checkUsable(LabeledImages set) {
    for (int i = 0; i < set.size(); i++) {
      Image image = set.image(i);
      assertThat(image.channels()).isEqualTo(1);
      assertThat(set.label(i)).isBetween(0, set.classNames().size() - 1);
    }
    assertThatThrownBy(() -> set.image(set.size())).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> set.label(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** The length of a file after gunzip if it is gzip data, else its length; what the reader parses. */
  private static long plainLength(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < 2 || (bytes[0] & 0xFF) != 0x1f || (bytes[1] & 0xFF) != 0x8b) {
      return bytes.length;
    }
    long total = 0;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
      }
    } catch (IOException e) {
      // corrupt gzip: the reader gets no further than the bytes it could inflate
    }
    return Math.max(total, bytes.length);
  }

  /** Writes seed file pairs from the IDX test writer; run with {@code -Ddriftline.fuzz.seeds=src/test/resources}. */
  @Test
  @EnabledIfSystemProperty(named = SeedCorpus.PROPERTY, matches = ".+")
  void writeSeeds() {
    SeedCorpus pairs = SeedCorpus.of(getClass(), "anyFilePairReadsOrIsRejected");
    SeedCorpus singles = SeedCorpus.of(getClass(), "anyImagesFileReadsOrIsRejected");
    SplittableRandom rnd = new SplittableRandom(42);
    int[][] shapes = {{0, 1, 1}, {1, 1, 1}, {3, 4, 5}, {2, 28, 28}, {10, 3, 3}};
    for (int s = 0; s < shapes.length; s++) {
      int[] shape = shapes[s];
      byte[] pixels = new byte[shape[0] * shape[1] * shape[2]];
      rnd.nextBytes(pixels);
      byte[] labels = new byte[shape[0]];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = (byte) rnd.nextInt(10);
      }
      byte[] images = IdxTestFiles.idx(IdxReader.IMAGES_MAGIC, shape, pixels);
      byte[] labelFile = IdxTestFiles.idx(IdxReader.LABELS_MAGIC, new int[] {shape[0]}, labels);
      byte[] input = new byte[3 + images.length + labelFile.length];
      input[0] = (byte) (s % 4); // each combination of gzipped images and labels
      input[1] = (byte) (images.length >>> 8);
      input[2] = (byte) images.length;
      System.arraycopy(images, 0, input, 3, images.length);
      System.arraycopy(labelFile, 0, input, 3 + images.length, labelFile.length);
      pairs.add(input);
      singles.add(images);
    }
    singles.add(IdxTestFiles.gzip(IdxTestFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {1, 2, 2}, new byte[4])));
  }
}
