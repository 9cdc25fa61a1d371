package io.driftline.core.scenario;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a scenario's clean frames come from: a named data set, an IDX images/labels pair, or a
 * class-per-folder image set. Exactly one kind is set. Paths are kept as written; a scenario loaded
 * from a file has them resolved against the file's folder.
 *
 * @param dataset a named data set, one of {@link #DATASETS}
 * @param images IDX images file
 * @param labels IDX labels file
 * @param folder root of a class-per-folder image set
 */
public record SourceSpec(
    @Nullable String dataset, @Nullable String images, @Nullable String labels, @Nullable String folder) {

  /** The Fashion-MNIST training set. */
  public static final String FASHION_MNIST_TRAIN = "fashion-mnist-train";

  /** The Fashion-MNIST test set; the default source, since scenarios evaluate rather than train. */
  public static final String FASHION_MNIST_TEST = "fashion-mnist-test";

  /** The named data sets a source may refer to. */
  public static final List<String> DATASETS = List.of(FASHION_MNIST_TRAIN, FASHION_MNIST_TEST);

  /** Checks that exactly one kind of source is set. */
  public SourceSpec {
    int kinds = (dataset != null ? 1 : 0) + (images != null || labels != null ? 1 : 0) + (folder != null ? 1 : 0);
    if (kinds != 1 || (images != null) != (labels != null)) {
      throw new IllegalArgumentException(
          "a source is exactly one of: dataset, images + labels, folder; got " + this);
    }
  }

  /** A named data set such as {@value #FASHION_MNIST_TEST}. */
  public static SourceSpec dataset(String name) {
    return new SourceSpec(name, null, null, null);
  }

  /** An IDX images file and its labels file. */
  public static SourceSpec idx(String images, String labels) {
    return new SourceSpec(null, images, labels, null);
  }

  /** A class-per-folder image set. */
  public static SourceSpec folder(String root) {
    return new SourceSpec(null, null, null, root);
  }

  /** A short description for messages. */
  public String describe() {
    if (dataset != null) {
      return dataset;
    }
    return folder != null ? "folder " + folder : "IDX " + images + " + " + labels;
  }
}
