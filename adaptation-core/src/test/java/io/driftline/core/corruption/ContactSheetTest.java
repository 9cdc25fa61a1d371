package io.driftline.core.corruption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactSheetTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void renderedSheetIsTheGridOfFamiliesBySeverities() {
    Image first = TestImages.rampWithBox(10, 12);
    Image second = TestImages.disc(10, 12, 3);
    int scale = 2;
    BufferedImage sheet = ContactSheet.render(List.of(first, second), 42, scale);

    int tileW = 12 * scale;
    int tileH = 10 * scale;
    int columns = 2 * 6;
    assertThat(sheet.getWidth()).isEqualTo(ContactSheet.LABEL_WIDTH + columns * (tileW + ContactSheet.GAP));
    assertThat(sheet.getHeight()).isEqualTo(ContactSheet.HEADER_HEIGHT + 15 * (tileH + ContactSheet.GAP));

    // Clean tile of sample 0 in the first row; severity 3 of sample 1 (stream index 1) in the fog row.
    assertTile(sheet, first, 0, 0, scale);
    int fogRow = CorruptionFamily.FOG.ordinal();
    assertTile(sheet, CorruptionFamily.FOG.apply(second, 3, 42, 1), fogRow, 6 + 3, scale);
    int lastRow = CorruptionFamily.values().length - 1;
    assertTile(sheet, CorruptionFamily.ROTATE_TRANSLATE.apply(first, 5, 42, 0), lastRow, 5, scale);

    // Labels: the label column of every row and the header above every tile hold drawn text.
    for (int row = 0; row < 15; row++) {
      assertThat(litPixels(sheet, 0, ContactSheet.tileY(row, tileH), ContactSheet.LABEL_WIDTH, tileH))
          .as("label of row %d", row).isGreaterThan(10);
    }
    for (int col = 0; col < columns; col++) {
      assertThat(litPixels(sheet, ContactSheet.tileX(col, tileW), 0, tileW, ContactSheet.HEADER_HEIGHT))
          .as("title of column %d", col).isGreaterThan(3);
    }
  }

  @Test
  void renderRejectsMixedShapesAndBadScale() {
    assertThatThrownBy(() -> ContactSheet.render(List.of(TestImages.disc(8, 8, 2), TestImages.disc(8, 9, 2)), 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample 1");
    assertThatThrownBy(() -> ContactSheet.render(List.of(TestImages.disc(8, 8, 2)), 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale");
    assertThatThrownBy(() -> ContactSheet.render(List.of(), 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commandWritesThePngOfTheChosenIdxImagesInTheGivenOrder() throws IOException {
    byte[][] images = {pattern(9, 7, 10), pattern(9, 7, 90), pattern(9, 7, 170)};
    Path idx = writeIdx(dir.resolve("images-idx3-ubyte.gz"), 9, 7, images, true);
    Path png = dir.resolve("sheet.png");

    int code = run("--images", idx.toString(), "--index", "2,0", "--scale", "2", "--seed", "5", "--out", png.toString());

    assertThat(code).as(err.toString()).isZero();
    BufferedImage sheet = ImageIO.read(png.toFile());
    assertThat(sheet.getWidth()).isEqualTo(ContactSheet.LABEL_WIDTH + 12 * (7 * 2 + ContactSheet.GAP));
    assertThat(sheet.getHeight()).isEqualTo(ContactSheet.HEADER_HEIGHT + 15 * (9 * 2 + ContactSheet.GAP));
    assertTile(sheet, ImageOps.fromUint8(1, 9, 7, images[2]), 0, 0, 2);
    assertTile(sheet, ImageOps.fromUint8(1, 9, 7, images[0]), 0, 6, 2);
    assertThat(out.toString()).contains("wrote");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("sheet.png.tmp")
          .allMatch(name -> !name.endsWith(".tmp"));
    }
  }

  @Test
  void commandReadsUncompressedIdxToo() throws IOException {
    Path idx = writeIdx(dir.resolve("images-idx3-ubyte"), 4, 5, new byte[][] {pattern(4, 5, 0)}, false);
    Path png = dir.resolve("plain.png");
    assertThat(run("--images", idx.toString(), "--scale", "1", "--out", png.toString())).as(err.toString()).isZero();
    assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(ContactSheet.LABEL_WIDTH + 6 * (5 + ContactSheet.GAP));
  }

  @Test
  void badArgumentsExitWithTwoAndOneLineOfCause() throws IOException {
    Path idx = writeIdx(dir.resolve("i.gz"), 4, 4, new byte[][] {pattern(4, 4, 0)}, true);
    String png = dir.resolve("x.png").toString();
    String[][] cases = {
        {"--images", idx.toString()},
        {"--out", png, "--scale", "0"},
        {"--out", png, "--scale", "99"},
        {"--out", png, "--seed", "abc"},
        {"--out", png, "--index", "-1"},
        {"--out", png, "--colour"},
        {"--out"},
        {"stray", "--out", png},
        {"--out", png, "--images", idx.toString(), "--index", "1"},
    };
    String[] expected = {"--out", "--scale", "--scale", "--seed", "--index", "--colour", "--out", "stray", "--index 1"};
    for (int i = 0; i < cases.length; i++) {
      err.reset();
      assertThat(run(cases[i])).as(String.join(" ", cases[i])).isEqualTo(2);
      String message = err.toString(StandardCharsets.UTF_8);
      assertThat(message.lines()).as(message).hasSize(1);
      assertThat(message).contains(expected[i]);
    }
    assertThat(Files.exists(Path.of(png))).isFalse();
  }

  @Test
  void unreadableInputExitsWithOneNamingTheFile() throws IOException {
    Path missing = dir.resolve("nope.gz");
    assertThat(run("--images", missing.toString(), "--out", dir.resolve("a.png").toString())).isEqualTo(1);
    assertThat(err.toString()).contains(missing.toString()).contains("--images");

    err.reset();
    Path notIdx = Files.writeString(dir.resolve("labels.txt"), "hello world, not idx");
    assertThat(run("--images", notIdx.toString(), "--out", dir.resolve("b.png").toString())).isEqualTo(1);
    assertThat(err.toString()).contains(notIdx.toString()).contains("magic");

    err.reset();
    Path truncated = dir.resolve("short");
    Files.write(truncated, new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4, 1, 2, 3});
    assertThat(run("--images", truncated.toString(), "--out", dir.resolve("c.png").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("truncated");
    assertThat(Files.exists(dir.resolve("c.png"))).isFalse();
  }

  @Test
  void helpPrintsUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--out").contains("--images").contains("--scale");
  }

  private int run(String... args) {
    return ContactSheet.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static void assertTile(BufferedImage sheet, Image expected, int row, int column, int scale) {
    BufferedImage tile = ImageOps.toBufferedImage(expected);
    int left = ContactSheet.tileX(column, expected.width() * scale);
    int top = ContactSheet.tileY(row, expected.height() * scale);
    for (int y = 0; y < expected.height() * scale; y++) {
      for (int x = 0; x < expected.width() * scale; x++) {
        assertThat(sheet.getRGB(left + x, top + y) & 0xFFFFFF)
            .as("row %d column %d pixel (%d,%d)", row, column, x, y)
            .isEqualTo(tile.getRGB(x / scale, y / scale) & 0xFFFFFF);
      }
    }
  }

  private static int litPixels(BufferedImage sheet, int left, int top, int width, int height) {
    int background = sheet.getRGB(sheet.getWidth() - 1, 0) & 0xFFFFFF;
    int lit = 0;
    for (int y = top; y < top + height; y++) {
      for (int x = left; x < left + width; x++) {
        lit += (sheet.getRGB(x, y) & 0xFFFFFF) != background ? 1 : 0;
      }
    }
    return lit;
  }

  private static byte[] pattern(int rows, int cols, int offset) {
    byte[] pixels = new byte[rows * cols];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) ((offset + 7 * i) % 256);
    }
    return pixels;
  }

  private static Path writeIdx(Path file, int rows, int cols, byte[][] images, boolean gzip) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        DataOutputStream data = new DataOutputStream(gzip ? new GZIPOutputStream(raw) : raw)) {
      data.writeInt(0x00000803);
      data.writeInt(images.length);
      data.writeInt(rows);
      data.writeInt(cols);
      for (byte[] image : images) {
        data.write(image);
      }
    }
    return file;
  }
}
