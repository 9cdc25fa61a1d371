package io.driftline.core.corruption;

import io.driftline.core.data.DatasetException;
import io.driftline.core.data.IdxReader;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws every corruption family at every severity for a few sample images as one PNG grid: one
 * row per family, and per sample a column for the clean image followed by severities 1 to 5.
 *
 * <p>Run as a command: {@code java -cp adaptation-core.jar io.driftline.core.corruption.ContactSheet
 * --out sheet.png [--images idx-file] [--index 0,1] [--seed 0] [--scale 3]}.
 */
public final class ContactSheet {

  /** Width in pixels of the column holding the family names. */
  public static final int LABEL_WIDTH = 130;

  /** Height in pixels of the row holding the column titles. */
  public static final int HEADER_HEIGHT = 22;

  /** Space in pixels after every tile, right and below. */
  public static final int GAP = 2;

  /** Columns per sample: the clean image and one per severity. */
  public static final int COLUMNS_PER_SAMPLE = 1 + CorruptionFamily.MAX_SEVERITY;

  /** Fashion-MNIST's test images where the Debian package {@code dataset-fashion-mnist} puts them. */
  static final String DEFAULT_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

  static final int DEFAULT_SCALE = 3;
  static final int MAX_SCALE = 16;
  static final int BAD_ARGUMENTS = 2;
  static final int FAILED = 1;

  private static final int BACKGROUND = 0x202020;
  private static final Color TEXT = new Color(0xE8E8E8);

  private static final String USAGE =
      "usage: ContactSheet --out <file.png> [--images <idx images file>] [--index <n>[,<n>...]]"
          + " [--seed <n>] [--scale <1-" + MAX_SCALE + ">]";

  private ContactSheet() {}

  /**
   * Renders the grid for the given samples, all of one shape. Sample {@code i} is corrupted with
   * stream index {@code i}, so the sheet is a pure function of its arguments.
   *
   * @param samples one to a few clean images of the same shape
   * @param seed the corruption seed
   * @param scale how many screen pixels each image pixel becomes (nearest neighbour), at least 1
   * @throws IllegalArgumentException if there are no samples, their shapes differ, or the scale is below 1
   */
  public static BufferedImage render(List<Image> samples, long seed, int scale) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("a contact sheet needs at least one sample image");
    }
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be at least 1, got " + scale);
    }
    Image first = samples.get(0);
    for (int i = 1; i < samples.size(); i++) {
      if (!samples.get(i).sameShape(first)) {
        throw new IllegalArgumentException("sample " + i + " is " + samples.get(i)
            + " but sample 0 is " + first + "; all samples must have one shape");
      }
    }
    int tileW = first.width() * scale;
    int tileH = first.height() * scale;
    CorruptionFamily[] families = CorruptionFamily.values();
    int columns = samples.size() * COLUMNS_PER_SAMPLE;
    int width = LABEL_WIDTH + columns * (tileW + GAP);
    int height = HEADER_HEIGHT + families.length * (tileH + GAP);
    BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(new Color(BACKGROUND));
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.setColor(TEXT);
      FontMetrics metrics = g.getFontMetrics();
      for (int col = 0; col < columns; col++) {
        int severity = col % COLUMNS_PER_SAMPLE;
        String title = severity == 0 ? "clean" : String.valueOf(severity);
        int x = tileX(col, tileW) + (tileW - metrics.stringWidth(title)) / 2;
        g.drawString(title, x, (HEADER_HEIGHT + metrics.getAscent() - metrics.getDescent()) / 2);
      }
      for (int row = 0; row < families.length; row++) {
        int y = tileY(row, tileH) + (tileH + metrics.getAscent() - metrics.getDescent()) / 2;
        g.drawString(families[row].id(), 6, y);
      }
    } finally {
      g.dispose();
    }
    for (int row = 0; row < families.length; row++) {
      for (int s = 0; s < samples.size(); s++) {
        Image clean = samples.get(s);
        for (int severity = 0; severity <= CorruptionFamily.MAX_SEVERITY; severity++) {
          Image shown = severity == 0 ? clean : families[row].apply(clean, severity, seed, s);
          int col = s * COLUMNS_PER_SAMPLE + severity;
          paintTile(sheet, ImageOps.toBufferedImage(shown), tileX(col, tileW), tileY(row, tileH), scale);
        }
      }
    }
    return sheet;
  }

  /** Left edge of a tile column. */
  static int tileX(int column, int tileWidth) {
    return LABEL_WIDTH + column * (tileWidth + GAP);
  }

  /** Top edge of a tile row. */
  static int tileY(int row, int tileHeight) {
    return HEADER_HEIGHT + row * (tileHeight + GAP);
  }

  private static void paintTile(BufferedImage sheet, BufferedImage tile, int left, int top, int scale) {
    for (int y = 0; y < tile.getHeight(); y++) {
      for (int x = 0; x < tile.getWidth(); x++) {
        int rgb = tile.getRGB(x, y);
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            sheet.setRGB(left + x * scale + dx, top + y * scale + dy, rgb);
          }
        }
      }
    }
  }

  /** Writes a contact sheet PNG; exits with 2 on bad arguments and 1 if reading or writing fails. */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The command behind {@link #main}, returning the exit code instead of exiting. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("ContactSheet: " + e.getMessage() + " (" + USAGE + ")");
      return BAD_ARGUMENTS;
    }
    if (options.help) {
      out.println(USAGE);
      return 0;
    }
    List<Image> samples;
    try {
      samples = readIdxImages(Path.of(options.images), options.indices);
    } catch (DatasetException e) {
      if (Files.exists(Path.of(options.images))) {
        err.println("ContactSheet: " + e.getMessage());
        return FAILED;
      }
      err.println("ContactSheet: no image file at " + options.images
          + (options.images.equals(DEFAULT_IMAGES)
              ? "; install the dataset-fashion-mnist package or pass --images <idx images file>"
              : "; check the --images path"));
      return FAILED;
    } catch (IndexOutOfBoundsException e) {
      err.println("ContactSheet: " + e.getMessage());
      return BAD_ARGUMENTS;
    }
    BufferedImage sheet = render(samples, options.seed, options.scale);
    Path target = Path.of(options.out).toAbsolutePath();
    try {
      writeAtomically(sheet, target);
    } catch (IOException e) {
      err.println("ContactSheet: cannot write " + options.out + ": " + e.getMessage());
      return FAILED;
    }
    out.println("wrote " + options.out + " (" + sheet.getWidth() + "x" + sheet.getHeight() + ")");
    return 0;
  }

  /** Writes next to the target and renames, so a failed run never leaves half a PNG behind. */
  private static void writeAtomically(BufferedImage sheet, Path target) throws IOException {
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException("directory " + dir + " does not exist");
    }
    Path temp = Files.createTempFile(dir, ".contact-sheet-", ".png.tmp");
    try {
      if (!ImageIO.write(sheet, "png", temp.toFile())) {
        throw new IOException("this JDK has no PNG writer");
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Picks the images at the given positions from an IDX images file.
   *
   * @throws IndexOutOfBoundsException if a position is past the end of the file
   */
  static List<Image> readIdxImages(Path file, int[] indices) {
    List<Image> all = IdxReader.readImages(file);
    List<Image> result = new ArrayList<>();
    for (int index : indices) {
      if (index >= all.size()) {
        throw new IndexOutOfBoundsException(
            "--index " + index + " is past the end of " + file.getFileName() + ", which has " + all.size() + " images");
      }
      result.add(all.get(index));
    }
    return result;
  }

  /** Parsed command-line options. */
  private static final class Options {
    String out = "";
    String images = DEFAULT_IMAGES;
    int[] indices = {0};
    long seed = 0;
    int scale = DEFAULT_SCALE;
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          o.help = true;
          return o;
        }
        if (!flag.startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument '" + flag + "'");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--out" -> o.out = value;
          case "--images" -> o.images = value;
          case "--index" -> o.indices = parseIndices(value);
          case "--seed" -> o.seed = parseLong("--seed", value);
          case "--scale" -> {
            long scale = parseLong("--scale", value);
            if (scale < 1 || scale > MAX_SCALE) {
              throw new IllegalArgumentException("--scale must be 1.." + MAX_SCALE + ", got " + value);
            }
            o.scale = (int) scale;
          }
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (o.out.isEmpty()) {
        throw new IllegalArgumentException("--out <file.png> is required");
      }
      return o;
    }

    private static int[] parseIndices(String value) {
      String[] parts = value.split(",", -1);
      if (parts.length > 8) {
        throw new IllegalArgumentException("--index takes at most 8 images, got " + parts.length);
      }
      int[] indices = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        long index = parseLong("--index", parts[i].trim());
        if (index < 0 || index > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("--index must be a non-negative image number, got " + parts[i]);
        }
        indices[i] = (int) index;
      }
      return indices;
    }

    private static long parseLong(String flag, String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " must be a whole number, got '" + value + "'");
      }
    }
  }
}
