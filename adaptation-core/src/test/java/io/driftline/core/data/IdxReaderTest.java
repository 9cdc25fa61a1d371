package io.driftline.core.data;

import static io.driftline.core.data.IdxTestFiles.gzip;
import static io.driftline.core.data.IdxTestFiles.idx;
import static io.driftline.core.data.IdxTestFiles.write;
import static io.driftline.core.data.IdxTestFiles.writePair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.image.Image;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir Path dir;

  @Test
  void readsRawAndGzipPairsPixelForPixel() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 20; round++) {
      int n = 1 + random.nextInt(12);
      int h = 1 + random.nextInt(6);
      int w = 1 + random.nextInt(6);
      byte[] pixels = new byte[n * h * w];
      byte[] labels = new byte[n];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (byte) random.nextInt(256);
      }
      for (int i = 0; i < n; i++) {
        labels[i] = (byte) random.nextInt(10);
      }
      boolean gz = round % 2 == 0;
      Path[] files = writePair(dir.resolve("r" + round), "set", pixels, labels, h, w, gz);

      LabeledImages data = IdxReader.read(files[0], files[1]);

      assertThat(data.size()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        Image image = data.image(i);
        assertThat(image.channels()).isEqualTo(1);
        assertThat(image.height()).isEqualTo(h);
        assertThat(image.width()).isEqualTo(w);
        for (int p = 0; p < h * w; p++) {
          assertThat(image.pixels()[p]).isEqualTo((pixels[i * h * w + p] & 0xFF) / 255f);
        }
        assertThat(data.label(i)).isEqualTo(labels[i]);
      }
      int maxLabel = 0;
      for (byte l : labels) {
        maxLabel = Math.max(maxLabel, l);
      }
      assertThat(data.classNames()).hasSize(maxLabel + 1).startsWith("0");
      assertThat(data.source()).contains(files[0].toString());
    }
  }

  @Test
  void readsImagesWithoutLabelsInFileOrder() {
    byte[] pixels = {0, (byte) 255, 51, 102, 1, 2, 3, 4};
    Path[] files = writePair(dir, "unlabelled", pixels, new byte[] {0, 1}, 2, 2, true);

    List<io.driftline.core.image.Image> images = IdxReader.readImages(files[0]);

    assertThat(images).hasSize(2);
    assertThat(images.get(0).pixels()).containsExactly(0f, 1f, 0.2f, 0.4f);
    assertThat(images.get(1).pixels()).containsExactly(1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f);
    assertThatThrownBy(() -> images.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void usesGivenClassNames() {
    Path[] files = writePair(dir, "named", new byte[] {1, 2, 3, 4}, new byte[] {0, 2, 1, 2}, 1, 1, false);

    LabeledImages data = IdxReader.read(files[0], files[1], List.of("cat", "dog", "fish"));

    assertThat(data.classNames()).containsExactly("cat", "dog", "fish");
    assertThat(data.label(1)).isEqualTo(2);
  }

  @Test
  void labelWithoutClassNameIsAnError() {
    Path[] files = writePair(dir, "named", new byte[] {1, 2}, new byte[] {0, 5}, 1, 1, false);

    assertThatThrownBy(() -> IdxReader.read(files[0], files[1], List.of("a", "b")))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(files[1].toString())
        .hasMessageContaining("label 5");
  }

  @Test
  void labelsFileGivenAsImagesNamesFileAndBothMagics() {
    Path[] files = writePair(dir, "swap", new byte[] {1, 2}, new byte[] {0, 1}, 1, 1, true);

    assertThatThrownBy(() -> IdxReader.read(files[1], files[0]))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(files[1].toString())
        .hasMessageContaining("bad magic number")
        .hasMessageContaining("expected 0x00000803, found 0x00000801")
        .hasMessageContaining("is this a labels file?");
  }

  @Test
  void notAnIdxFileIsABadMagic() {
    Path images = write(dir.resolve("photo.idx"), "\u0089PNG and more bytes".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Path labels = writePair(dir, "ok", new byte[] {1}, new byte[] {0}, 1, 1, false)[1];

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .hasMessageContaining(images.toString())
        .hasMessageContaining("expected 0x00000803, found 0x89504E47")
        .hasMessageContaining("not an IDX file");
  }

  @Test
  void truncatedPixelsNameFileAndByteCounts() {
    byte[] full = idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[12]);
    Path images = write(dir.resolve("cut-images.gz"), gzip(Arrays.copyOf(full, full.length - 5)));
    Path labels = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[3]));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(images.toString())
        .hasMessageContaining("shorter than its header promises")
        .hasMessageContaining("need 12 data bytes, found only 7");
  }

  @Test
  void truncatedHeaderIsReported() {
    byte[] full = idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[12]);
    Path images = write(dir.resolve("head-images"), Arrays.copyOf(full, 9));
    Path labels = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[3]));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .hasMessageContaining(images.toString())
        .hasMessageContaining("expected 16 header bytes, found 9");
  }

  @Test
  void extraBytesAfterDataAreReported() {
    Path images = write(dir.resolve("long-images"), idx(IdxReader.IMAGES_MAGIC, new int[] {1, 2, 2}, new byte[6]));
    Path labels = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[1]));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .hasMessageContaining(images.toString())
        .hasMessageContaining("bytes after the 4 data bytes");
  }

  @Test
  void countMismatchNamesBothFilesAndCounts() {
    Path images = write(dir.resolve("images"), idx(IdxReader.IMAGES_MAGIC, new int[] {4, 1, 1}, new byte[4]));
    Path labels = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[3]));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(images.toString())
        .hasMessageContaining(labels.toString())
        .hasMessageContaining("holds 4 images")
        .hasMessageContaining("holds 3 labels");
  }

  @Test
  void garbageGzipIsReportedAsCorrupt() {
    byte[] garbage = new byte[200];
    new SplittableRandom(3).nextBytes(garbage);
    garbage[0] = 0x1f;
    garbage[1] = (byte) 0x8b;
    garbage[2] = 8;
    garbage[3] = 0;
    Path images = write(dir.resolve("garbage-images.gz"), garbage);
    Path labels = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[1]));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(images.toString())
        .hasMessageContaining("gzip data")
        .hasMessageContaining("corrupt or truncated");
  }

  @Test
  void gzipCutOffMidStreamIsReportedAsCorrupt() {
    byte[] noisy = new byte[5000];
    new SplittableRandom(4).nextBytes(noisy);
    byte[] gz = gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {50, 10, 10}, noisy));
    Path images = write(dir.resolve("half-images.gz"), Arrays.copyOf(gz, gz.length / 2));
    Path labels = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {50}, new byte[50]));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .hasMessageContaining(images.toString())
        .hasMessageContaining("corrupt or truncated");
  }

  @Test
  void missingFileIsNamed() {
    Path labels = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {1}, new byte[1]));
    Path images = dir.resolve("nope-images");

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .hasMessageContaining(images.toString())
        .hasMessageContaining("does not exist");
  }
}
