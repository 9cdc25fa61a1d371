package io.driftline.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {

  @TempDir Path root;

  /** A grey image whose 8-bit pixels are random, so PNG round trips are exact. */
  private static Image randomGrey(SplittableRandom random, int h, int w) {
    byte[] bytes = new byte[h * w];
    random.nextBytes(bytes);
    return ImageOps.fromUint8(1, h, w, bytes);
  }

  private static void png(Path file, Image image) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      ImageOps.writePng(image, out);
    }
  }

  @Test
  void classesAndFilesAreSortedByNameAndPixelsSurvive() throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    Image bootB = randomGrey(random, 4, 5);
    Image bootA = randomGrey(random, 4, 5);
    Image bagZ = randomGrey(random, 4, 5);
    png(root.resolve("boot/b.png"), bootB);
    png(root.resolve("boot/a.PNG"), bootA);
    png(root.resolve("bag/z.png"), bagZ);
    Files.writeString(root.resolve("bag/notes.txt"), "not an image");

    LabeledImages data = ImageFolderReader.builder().build().read(root);

    assertThat(data.classNames()).containsExactly("bag", "boot");
    assertThat(data.size()).isEqualTo(3);
    assertThat(data.label(0)).isZero();
    assertThat(data.image(0)).isEqualTo(bagZ);
    assertThat(data.label(1)).isEqualTo(1);
    assertThat(data.image(1)).isEqualTo(bootA);
    assertThat(data.image(2)).isEqualTo(bootB);
    for (int bad : new int[] {-1, 3}) {
      assertThatThrownBy(() -> data.label(bad)).isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("sample " + bad + " of 3 in " + root);
      assertThatThrownBy(() -> data.image(bad)).isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("sample " + bad + " of 3 in " + root);
    }
  }

  @Test
  void channelsAndSizeAreApplied() throws IOException {
    Image grey = randomGrey(new SplittableRandom(2), 6, 8);
    png(root.resolve("x/one.png"), grey);

    LabeledImages data = ImageFolderReader.builder().optChannels(3).optSize(3, 4).build().read(root);

    Image expected = ImageOps.conform(grey, 3, 3, 4);
    Image actual = data.image(0);
    assertThat(actual.channels()).isEqualTo(3);
    assertThat(actual.height()).isEqualTo(3);
    assertThat(actual.width()).isEqualTo(4);
    for (int i = 0; i < expected.size(); i++) {
      // stored as 8-bit, so within half a grey level of the float resize
      assertThat(actual.pixels()[i]).isCloseTo(expected.pixels()[i], org.assertj.core.data.Offset.offset(0.5f / 255f + 1e-6f));
    }
  }

  @Test
  void givenClassNamesMapFoldersByNameOrIndex() throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    png(root.resolve("Coat/a.png"), randomGrey(random, 2, 2));
    png(root.resolve("0/a.png"), randomGrey(random, 2, 2));

    LabeledImages data = ImageFolderReader.builder()
        .optClassNames(FashionMnist.CLASS_NAMES).build().read(root);

    assertThat(data.classNames()).isEqualTo(FashionMnist.CLASS_NAMES);
    // folders sorted: "0" then "Coat"
    assertThat(data.label(0)).isZero();
    assertThat(data.label(1)).isEqualTo(4);
  }

  @Test
  void unknownFolderWithGivenClassNamesIsNamed() throws IOException {
    png(root.resolve("Hat/a.png"), randomGrey(new SplittableRandom(1), 2, 2));

    assertThatThrownBy(() -> ImageFolderReader.builder().optClassNames(List.of("Coat", "Bag")).build().read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("'Hat'")
        .hasMessageContaining("[Coat, Bag]");
  }

  @Test
  void unreadableImageNamesTheFile() throws IOException {
    png(root.resolve("a/good.png"), randomGrey(new SplittableRandom(1), 2, 2));
    Path bad = root.resolve("a/broken.jpg");
    Files.write(bad, new byte[] {1, 2, 3, 4, 5});

    assertThatThrownBy(() -> ImageFolderReader.builder().build().read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(bad.toString());
  }

  @Test
  void emptyRootAndNoImagesAreClearErrors() throws IOException {
    assertThatThrownBy(() -> ImageFolderReader.builder().build().read(root))
        .hasMessageContaining(root.toString())
        .hasMessageContaining("no class sub-folders");

    Files.createDirectories(root.resolve("cats"));
    Files.writeString(root.resolve("cats/readme.md"), "x");
    assertThatThrownBy(() -> ImageFolderReader.builder().build().read(root))
        .hasMessageContaining(root.toString())
        .hasMessageContaining("no .png, .jpg or .jpeg files");

    Path missing = root.resolve("missing");
    assertThatThrownBy(() -> ImageFolderReader.builder().build().read(missing))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }
}
