package io.driftline.teacher.bootstrap;

import static io.driftline.teacher.cli.CommandArguments.oneLine;
import static io.driftline.teacher.cli.CommandArguments.parseLong;
import static io.driftline.teacher.cli.CommandArguments.value;

import io.driftline.core.data.DatasetException;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.IdxReader;
import io.driftline.core.data.ImageFolderReader;
import io.driftline.core.data.LabeledImages;
import io.driftline.teacher.djl.DjlEngines;
import io.driftline.teacher.djl.UnsupportedOperatorException;
import io.driftline.teacher.onnx.ReferenceArchitecture;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code bootstrap-models} command: trains student-nano, student-small and the teacher and
 * writes {@code <id>.onnx} and {@code <id>.card.json} for each.
 *
 * <pre>
 * bootstrap-models [--quick] [--out DIR] [--seed N] [--models id,id,...] [--threads N]
 *                  [--idx DIR [--class-names a,b,...]]
 *                  [--train-folder DIR --test-folder DIR [--channels 1|3] [--size HxW] [--class-names a,b,...]]
 * </pre>
 *
 * <p>Without a data option it uses Fashion-MNIST, found by {@link FashionMnist#fromEnvironment}.
 * {@code --idx DIR} reads {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} (each optionally {@code .gz})
 * from DIR. {@code --threads} sets PyTorch's intra-op threads (default 1, which stays fast when
 * other processes share the cores; on an idle machine use the core count together with the
 * environment variable {@code OMP_WAIT_POLICY=PASSIVE}). Bad arguments print one line to standard error and exit with status 2; a failure
 * while running exits with status 1.
 */
public final class BootstrapModels {

  /** Default output folder, relative to the working directory. */
  public static final Path DEFAULT_OUTPUT = Path.of("models");

  /** Default seed. */
  public static final long DEFAULT_SEED = 42;

  /** Default PyTorch intra-op threads. */
  public static final int DEFAULT_THREADS = 1;

  private static final String USAGE = "usage: bootstrap-models [--quick] [--out DIR] [--seed N] [--threads N] [--models "
      + "student-nano,student-small,teacher] [--idx DIR | --train-folder DIR --test-folder DIR [--channels 1|3] "
      + "[--size HxW]] [--class-names a,b,...]";

  private BootstrapModels() {}

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command.
   *
   * @return 0 on success, 2 for bad arguments, 1 if the bootstrap failed
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    ModelBootstrap.Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException | DatasetException e) {
      err.println("bootstrap-models: " + oneLine(e.getMessage()));
      return 2;
    }
    try {
      ModelBootstrap.run(options, out::println);
      return 0;
    } catch (UncheckedIOException | DatasetException | UnsupportedOperatorException | IllegalArgumentException e) {
      err.println("bootstrap-models: " + oneLine(e.getMessage()));
      return 1;
    }
  }

  static ModelBootstrap.Options parse(String[] args) {
    BootstrapProfile profile = BootstrapProfile.full();
    Path output = DEFAULT_OUTPUT;
    long seed = DEFAULT_SEED;
    List<ReferenceArchitecture> models = List.of(ReferenceArchitecture.values());
    Path idx = null;
    Path trainFolder = null;
    Path testFolder = null;
    List<String> classNames = null;
    int channels = 1;
    int[] size = null;
    int threads = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> profile = BootstrapProfile.quick();
        case "--out" -> output = Path.of(value(args, ++i, arg));
        case "--seed" -> seed = parseLong(value(args, ++i, arg), arg);
        case "--threads" -> threads = parseThreads(value(args, ++i, arg));
        case "--models" -> models = parseModels(value(args, ++i, arg));
        case "--idx" -> idx = existingDirectory(value(args, ++i, arg), arg);
        case "--train-folder" -> trainFolder = existingDirectory(value(args, ++i, arg), arg);
        case "--test-folder" -> testFolder = existingDirectory(value(args, ++i, arg), arg);
        case "--class-names" -> classNames = Arrays.stream(value(args, ++i, arg).split(",")).map(String::trim).toList();
        case "--channels" -> channels = parseChannels(value(args, ++i, arg));
        case "--size" -> size = parseSize(value(args, ++i, arg));
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'; " + USAGE);
      }
    }
    if (idx != null && (trainFolder != null || testFolder != null)) {
      throw new IllegalArgumentException("give either --idx or --train-folder/--test-folder, not both");
    }
    if ((trainFolder == null) != (testFolder == null)) {
      throw new IllegalArgumentException("--train-folder and --test-folder go together");
    }
    // PyTorch reads its thread count once, when the engine starts; without --threads the
    // engine's default (DEFAULT_THREADS unless -Dai.djl.pytorch.num_threads says otherwise) holds.
    if (threads > 0) {
      DjlEngines.setThreads(threads);
    }
    BootstrapData data;
    if (idx != null) {
      data = BootstrapData.of(IdxReader.read(idxFile(idx, "train-images-idx3-ubyte"), idxFile(idx, "train-labels-idx1-ubyte"), classNames),
          IdxReader.read(idxFile(idx, "t10k-images-idx3-ubyte"), idxFile(idx, "t10k-labels-idx1-ubyte"), classNames));
    } else if (trainFolder != null) {
      ImageFolderReader.Builder reader = ImageFolderReader.builder().optChannels(channels);
      if (size != null) {
        reader.optSize(size[0], size[1]);
      }
      if (classNames != null) {
        reader.optClassNames(classNames);
      }
      LabeledImages train = reader.build().read(trainFolder);
      LabeledImages test = reader.build().read(testFolder);
      data = size == null ? BootstrapData.of(train, test) : new BootstrapData(train, test, channels, size[0], size[1]);
    } else {
      FashionMnist fashion = FashionMnist.fromEnvironment(false);
      data = BootstrapData.of(fashion.train(), fashion.test());
    }
    return new ModelBootstrap.Options(output, profile, seed, models, data);
  }

  private static int parseThreads(String text) {
    long threads = parseLong(text, "--threads");
    if (threads < 1 || threads > Runtime.getRuntime().availableProcessors()) {
      throw new IllegalArgumentException("--threads must be 1.." + Runtime.getRuntime().availableProcessors()
          + ", got " + threads);
    }
    return (int) threads;
  }

  private static List<ReferenceArchitecture> parseModels(String text) {
    List<ReferenceArchitecture> models = new ArrayList<>();
    for (String id : text.split(",")) {
      models.add(ReferenceArchitecture.byId(id).orElseThrow(() -> new IllegalArgumentException(
          "unknown model '" + id.trim() + "'; choose from student-nano, student-small, teacher")));
    }
    return models;
  }

  private static Path existingDirectory(String text, String option) {
    Path path = Path.of(text);
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException(option + " " + text + " is not a directory");
    }
    return path;
  }

  private static int parseChannels(String text) {
    if (!text.equals("1") && !text.equals("3")) {
      throw new IllegalArgumentException("--channels must be 1 or 3, got '" + text + "'");
    }
    return Integer.parseInt(text);
  }

  private static int[] parseSize(String text) {
    String[] parts = text.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int height = Integer.parseInt(parts[0]);
        int width = Integer.parseInt(parts[1]);
        if (height >= 8 && width >= 8) {
          return new int[] {height, width};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--size must be HxW with both at least 8, got '" + text + "'");
  }

  private static Path idxFile(Path directory, String name) {
    return IdxReader.find(directory, name).orElseThrow(() ->
        new IllegalArgumentException("--idx " + directory + " has no " + name + " (or " + name + ".gz)"));
  }

}
