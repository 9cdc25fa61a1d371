package io.driftline.core.data;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a class-per-folder image set: {@code root/<className>/*.png|jpg|jpeg}. Classes are the
 * sub-folders sorted by name (or a given list of class names), files within a class are sorted by
 * name, so the same folder always gives the same indices. Other files are ignored.
 *
 * <p>Every image is decoded when the set is read, so an unreadable file fails at once with its name
 * rather than in the middle of a run; decoded pixels are kept as 8-bit values.
 */
public final class ImageFolderReader {

  private final int channels;
  private final int height;
  private final int width;
  private final @Nullable List<String> classNames;

  private ImageFolderReader(Builder builder) {
    this.channels = builder.channels;
    this.height = builder.height;
    this.width = builder.width;
    this.classNames = builder.classNames;
  }

  /** Returns a builder; by default images are read as 1-channel grey at their own size. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the image set under {@code root}.
   *
   * @throws DatasetException if the root is missing or holds no images, a file cannot be decoded,
   *     or (with given class names) a folder is not one of the classes
   */
  public LabeledImages read(Path root) {
    if (!Files.isDirectory(root)) {
      throw new DatasetException(
          root, "image folder " + root + " does not exist or is not a directory; expected "
              + "<root>/<className>/*.png|jpg|jpeg");
    }
    List<Path> classDirs = listSorted(root, Files::isDirectory);
    if (classDirs.isEmpty()) {
      throw new DatasetException(
          root, "image folder " + root + " has no class sub-folders; expected <root>/<className>/*.png|jpg|jpeg");
    }
    List<String> names = new ArrayList<>();
    Map<Path, Integer> classOf = new HashMap<>();
    if (classNames == null) {
      for (Path dir : classDirs) {
        classOf.put(dir, names.size());
        names.add(dir.getFileName().toString());
      }
    } else {
      names.addAll(classNames);
      for (Path dir : classDirs) {
        classOf.put(dir, classIndex(root, dir.getFileName().toString()));
      }
    }
    List<byte[]> pixels = new ArrayList<>();
    List<int[]> shapes = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classDirs) {
      for (Path file : listSorted(dir, ImageFolderReader::isImageFile)) {
        Image image = decode(file);
        pixels.add(ImageOps.toUint8(image));
        shapes.add(new int[] {image.channels(), image.height(), image.width()});
        labels.add(classOf.get(dir));
      }
    }
    if (pixels.isEmpty()) {
      throw new DatasetException(
          root, "image folder " + root + " has class folders " + names
              + " but no .png, .jpg or .jpeg files in them");
    }
    return new FolderImages(pixels, shapes, labels, names, root.toString());
  }

  private int classIndex(Path root, String folder) {
    List<String> known = classNames == null ? List.of() : classNames;
    int index = known.indexOf(folder);
    if (index >= 0) {
      return index;
    }
    // Class names such as "T-shirt/top" cannot be folder names, so a folder may also be the index.
    if (folder.matches("\\d{1,9}") && Integer.parseInt(folder) < known.size()) {
      return Integer.parseInt(folder);
    }
    throw new DatasetException(
        root.resolve(folder), "folder '" + folder + "' in " + root + " is not a known class; name class folders "
            + "after one of " + known + " or by class index 0.." + (known.size() - 1));
  }

  private Image decode(Path file) {
    Image image;
    try (InputStream in = Files.newInputStream(file)) {
      image = ImageOps.read(in, channels);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read image " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // ImageIO throws unchecked exceptions for some damaged files; name the file all the same.
      throw new DatasetException(file, "cannot decode image " + file + ": " + e, e);
    }
    return height > 0 ? ImageOps.resize(image, height, width) : image;
  }

  private static boolean isImageFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file) && !name.startsWith(".")
        && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
  }

  private static List<Path> listSorted(Path dir, Predicate<Path> keep) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(keep)
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new DatasetException(dir, "cannot list folder " + dir + ": " + e, e);
    }
  }

  /** Options of an {@link ImageFolderReader}. */
  public static final class Builder {
    private int channels = 1;
    private int height;
    private int width;
    private @Nullable List<String> classNames;

    private Builder() {}

    /** Sets the channel count of the images read (1 grey, 3 RGB); default 1. */
    public Builder optChannels(int channels) {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
      }
      this.channels = channels;
      return this;
    }

    /** Resizes every image (bilinear) to {@code height x width}; by default images keep their size. */
    public Builder optSize(int height, int width) {
      if (height <= 0 || width <= 0) {
        throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
      }
      this.height = height;
      this.width = width;
      return this;
    }

    /**
     * Fixes the class list instead of taking the sorted folder names: a folder must be named after
     * one of the classes or be a class index, so the labels agree with another data set's.
     */
    public Builder optClassNames(List<String> classNames) {
      this.classNames = List.copyOf(classNames);
      return this;
    }

    /** Builds the reader. */
    public ImageFolderReader build() {
      return new ImageFolderReader(this);
    }
  }

  /** Decoded folder images, each with its own shape, as 8-bit pixels. */
  private static final class FolderImages implements LabeledImages {
    private final List<byte[]> pixels;
    private final List<int[]> shapes;
    private final int[] labels;
    private final List<String> classNames;
    private final String source;

    FolderImages(List<byte[]> pixels, List<int[]> shapes, List<Integer> labels, List<String> classNames, String source) {
      this.pixels = List.copyOf(pixels);
      this.shapes = List.copyOf(shapes);
      this.labels = labels.stream().mapToInt(Integer::intValue).toArray();
      this.classNames = List.copyOf(classNames);
      this.source = source;
    }

    @Override
    public int size() {
      return labels.length;
    }

    @Override
    public Image image(int index) {
      int[] shape = shapes.get(Uint8Images.checkIndex(index, labels.length, source));
      return ImageOps.fromUint8(shape[0], shape[1], shape[2], pixels.get(index));
    }

    @Override
    public int label(int index) {
      return labels[Uint8Images.checkIndex(index, labels.length, source)];
    }

    @Override
    public List<String> classNames() {
      return classNames;
    }

    @Override
    public String source() {
      return source;
    }

    @Override
    public String toString() {
      return "LabeledImages[" + source + ", " + size() + " images]";
    }
  }
}
