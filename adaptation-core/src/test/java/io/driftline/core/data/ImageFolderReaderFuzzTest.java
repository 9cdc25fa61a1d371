package io.driftline.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.driftline.core.fuzz.AllocationBudget;
import io.driftline.core.fuzz.SeedCorpus;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzz test of {@link ImageFolderReader} on any bytes in an image file (ImageIO
 * picks the decoder by content: PNG, JPEG, BMP, GIF). The normal build replays the inputs under
 * {@code src/test/resources/io/driftline/core/data/ImageFolderReaderFuzzTestInputs}; run with
 * {@code JAZZER_FUZZ=1} to fuzz (see {@code docs/testing.md#fuzzing}).
 */
class ImageFolderReaderFuzzTest {

  private static final Path ROOT = root();
  private static final Path FILE = ROOT.resolve("class-a").resolve("frame.png");
  private static final ImageFolderReader READER = ImageFolderReader.builder().build();

  /**
   * Compressed images legitimately decode to far more than their size (a blank PNG shrinks a
   * thousandfold), so the budget per input byte is large; the fixed part allows the largest image
   * a reader accepts ({@link ImageOps#MAX_READ_PIXELS}, about 40 bytes allocated a pixel), but not
   * what a header merely claims beyond that.
   */
  private static final AllocationBudget BUDGET = AllocationBudget.of(4096, 256L << 20);

  private static Path root() {
    try {
      Path root = Files.createTempDirectory("image-folder-fuzz");
      Files.createDirectories(root.resolve("class-a"));
      root.toFile().deleteOnExit();
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any image file reads as a one-image set whose image can be read, or fails with a DatasetException naming it. */
  @FuzzTest(maxDuration = "3m")
  void anyImageFileReadsOrIsRejected(byte[] input) throws Exception {
    Files.write(FILE, input);
    LabeledImages set;
    try {
      set = BUDGET.decode(input.length, "an image file", () -> READER.read(ROOT));
    } catch (DatasetException e) {
      assertThat(e.getMessage()).contains("frame.png");
      return;
    }
    assertThat(set.size()).isEqualTo(1);
    assertThat(set.classNames()).containsExactly("class-a");
    Image image = set.image(0);
    assertThat(image.channels()).isEqualTo(1);
  }

  /** Writes seed images from the JDK's encoders; run with {@code -Ddriftline.fuzz.seeds=src/test/resources}. */
  @Test
  @EnabledIfSystemProperty(named = SeedCorpus.PROPERTY, matches = ".+")
  void writeSeeds() throws IOException {
    SeedCorpus seeds = SeedCorpus.of(getClass(), "anyImageFileReadsOrIsRejected");
    SplittableRandom rnd = new SplittableRandom(42);
    int[][] shapes = {{1, 4, 4}, {3, 8, 5}, {1, 28, 28}};
    for (int[] shape : shapes) {
      float[] pixels = new float[shape[0] * shape[1] * shape[2]];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) rnd.nextDouble();
      }
      Image image = Image.wrap(shape[0], shape[1], shape[2], pixels);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageOps.writePng(image, png);
      seeds.add(png.toByteArray());
      for (String format : new String[] {"jpg", "bmp", "gif"}) {
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        if (ImageIO.write(ImageOps.toBufferedImage(image), format, other) && shape[2] < 20) {
          seeds.add(other.toByteArray());
        }
      }
    }
  }
}
