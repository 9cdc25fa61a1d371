package io.driftline.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Fashion-MNIST IDX files and reads them. It looks, in this order, in: a configured folder
 * (builder, system property {@value #FOLDER_PROPERTY} or environment variable {@value #FOLDER_ENV}),
 * {@code ./data/fashion-mnist}, {@code /usr/share/datasets/fashion-mnist} (Debian package
 * {@code dataset-fashion-mnist}), and finally, only if allowed, downloads the missing files from the
 * official location into {@code ./data/fashion-mnist}, checking each one's SHA-256.
 *
 * <p>A folder counts when it holds all four files, each either gzip-compressed ({@code .gz}) or not.
 */
public final class FashionMnist {

  private static final Logger LOG = LoggerFactory.getLogger(FashionMnist.class);
  private static final long PROGRESS_INTERVAL_NANOS = 3_000_000_000L;

  /** System property naming a folder that holds the four files. */
  public static final String FOLDER_PROPERTY = "driftline.data.fashion-mnist";

  /** Environment variable naming a folder that holds the four files. */
  public static final String FOLDER_ENV = "DRIFTLINE_FASHION_MNIST";

  /** The ten Fashion-MNIST classes, by label. */
  public static final List<String> CLASS_NAMES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** Where the data set's authors publish the gzip files. */
  public static final URI OFFICIAL_BASE_URI =
      URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

  /** The project-local data folder, relative to the working directory; also where downloads go. */
  public static final Path LOCAL_FOLDER = Path.of("data", "fashion-mnist");

  /** Where the Debian/Ubuntu package {@code dataset-fashion-mnist} installs the files. */
  public static final Path SYSTEM_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");

  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** The four file names, without {@code .gz}. */
  public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  /**
   * SHA-256 of the official files' <em>uncompressed</em> IDX content, by file name. Taken from the
   * Debian package's copies, whose IDX content is the official one. The digest covers the content
   * rather than the {@code .gz} bytes because gzip headers differ between copies of the same data:
   * the Debian files were recompressed without the file name (they are 23-24 bytes shorter than
   * the official downloads and their MD5s differ from the ones the authors publish).
   */
  public static final Map<String, String> OFFICIAL_SHA256 = Map.of(
      TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

  private final @Nullable Path folder;
  private final List<Path> searchPath;
  private final boolean allowDownload;
  private final URI baseUri;
  private final Path downloadFolder;
  private final Map<String, String> expectedSha256;

  private FashionMnist(Builder builder) {
    this.folder = builder.folder;
    this.searchPath = builder.searchPath;
    this.allowDownload = builder.allowDownload;
    this.baseUri = builder.baseUri;
    this.downloadFolder = builder.downloadFolder;
    this.expectedSha256 = builder.expectedSha256;
  }

  /** Returns a builder with the standard search path, no configured folder and downloads off. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a locator configured from the system property {@value #FOLDER_PROPERTY} or, if that is
   * not set, the environment variable {@value #FOLDER_ENV}.
   *
   * @param allowDownload whether to download the files when no folder has them
   */
  public static FashionMnist fromEnvironment(boolean allowDownload) {
    Path configured = configuredFolder(System::getProperty, System::getenv);
    Builder builder = builder().optAllowDownload(allowDownload);
    if (configured != null) {
      builder.optFolder(configured);
    }
    return builder.build();
  }

  /** The configured folder from a property lookup, then an environment lookup; null when neither is set. */
  static @Nullable Path configuredFolder(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    String value = properties.apply(FOLDER_PROPERTY);
    if (value == null || value.isBlank()) {
      value = environment.apply(FOLDER_ENV);
    }
    return value == null || value.isBlank() ? null : Path.of(value.trim());
  }

  /** Reads the 60,000 training images. */
  public LabeledImages train() {
    Path dir = locate();
    return IdxReader.read(file(dir, TRAIN_IMAGES), file(dir, TRAIN_LABELS), CLASS_NAMES);
  }

  /** Reads the 10,000 test images. */
  public LabeledImages test() {
    Path dir = locate();
    return IdxReader.read(file(dir, TEST_IMAGES), file(dir, TEST_LABELS), CLASS_NAMES);
  }

  /**
   * Returns the first folder in the search order that holds all four files, downloading them first
   * if no folder does and downloads are allowed.
   *
   * @throws DatasetException listing every place looked at and how to get the data
   */
  public Path locate() {
    List<String> looked = new ArrayList<>();
    if (folder != null) {
      String missing = missing(folder);
      if (missing.isEmpty()) {
        return folder;
      }
      LOG.warn("Configured Fashion-MNIST folder {}: {}; looking elsewhere", folder, missing);
      looked.add("configured folder " + folder + ": " + missing);
    } else {
      looked.add("configured folder: not set (system property " + FOLDER_PROPERTY + ", environment "
          + FOLDER_ENV + ")");
    }
    for (Path dir : searchPath) {
      String missing = missing(dir);
      if (missing.isEmpty()) {
        return dir;
      }
      looked.add(dir + ": " + missing);
    }
    @Nullable Throwable cause = null;
    if (allowDownload) {
      try {
        return download();
      } catch (DatasetException e) {
        looked.add("download from " + baseUri + " into " + downloadFolder + ": failed: " + e.getMessage());
        cause = e;
      }
    } else {
      looked.add("download from " + baseUri + ": not allowed (enable downloads to fetch the files)");
    }
    StringBuilder message = new StringBuilder("Fashion-MNIST not found. Looked in:");
    for (int i = 0; i < looked.size(); i++) {
      message.append("\n  ").append(i + 1).append(". ").append(looked.get(i));
    }
    message.append("\nTo get the data: install the package dataset-fashion-mnist (apt-get install "
        + "dataset-fashion-mnist), or put the four files ").append(FILES).append(" (.gz or not) in ")
        .append(LOCAL_FOLDER).append(", or set ").append(FOLDER_ENV).append(" to a folder holding them.");
    throw new DatasetException(folder, message.toString(), cause);
  }

  private Path download() {
    try {
      Files.createDirectories(downloadFolder);
    } catch (IOException e) {
      throw new DatasetException(downloadFolder, "cannot create " + downloadFolder + ": " + e, e);
    }
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(20))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    for (String name : FILES) {
      if (existing(downloadFolder, name) != null) {
        continue;
      }
      downloadOne(client, name);
    }
    return downloadFolder;
  }

  private void downloadOne(HttpClient client, String name) {
    URI uri = baseUri.resolve(name + ".gz");
    Path target = downloadFolder.resolve(name + ".gz");
    Path part = downloadFolder.resolve(name + ".gz.part");
    LOG.info("Downloading {} to {}", uri, target);
    try {
      HttpResponse<InputStream> response = client.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new DatasetException(target, "GET " + uri + " answered HTTP " + response.statusCode());
        }
        copyWithProgress(body, part, name, response.headers().firstValueAsLong("Content-Length").orElse(-1));
      }
      String expected = expectedSha256.get(name);
      String actual = contentSha256(part);
      if (expected == null || !expected.equalsIgnoreCase(actual)) {
        Files.deleteIfExists(part);
        throw new DatasetException(
            target, "SHA-256 mismatch for " + uri + ": uncompressed content has " + actual + ", expected "
                + expected + "; the download was deleted (a damaged or different file)");
      }
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
      LOG.info("Downloaded {} ({} bytes, SHA-256 of content verified)", target, Files.size(target));
    } catch (IOException e) {
      deleteQuietly(part);
      throw new DatasetException(target, "GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      deleteQuietly(part);
      Thread.currentThread().interrupt();
      throw new DatasetException(target, "download of " + uri + " was interrupted", e);
    } catch (DatasetException e) {
      deleteQuietly(part);
      throw e;
    }
  }

  /** Copies a download to {@code target}, logging bytes, rate and ETA every few seconds. */
  private static void copyWithProgress(InputStream in, Path target, String name, long total) throws IOException {
    long start = System.nanoTime();
    long lastReport = start;
    long copied = 0;
    byte[] buffer = new byte[1 << 16];
    try (var out = Files.newOutputStream(target)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        copied += n;
        long now = System.nanoTime();
        if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
          lastReport = now;
          double seconds = (now - start) / 1e9;
          double rate = copied / seconds;
          String eta = total > 0 ? String.format(" ETA %.0f s", (total - copied) / rate) : "";
          String of = total > 0 ? String.format(" of %.1f MB (%.0f%%)", total / 1e6, 100.0 * copied / total) : "";
          LOG.info("Downloading {}: {} MB{} at {} MB/s{}",
              name, String.format("%.1f", copied / 1e6), of, String.format("%.2f", rate / 1e6), eta);
        }
      }
    }
  }

  /**
   * Returns the hex SHA-256 of a file's content after gunzip (or of the file itself when it is not
   * gzip-compressed).
   *
   * @throws DatasetException if the file cannot be read or its gzip data is corrupt
   */
  public static String contentSha256(Path file) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      try (InputStream in = new DigestInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw, digest)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read " + file + " to check its SHA-256: " + e, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String missing(Path dir) {
    if (!Files.isDirectory(dir)) {
      return "does not exist";
    }
    List<String> absent = new ArrayList<>();
    for (String name : FILES) {
      if (existing(dir, name) == null) {
        absent.add(name + "[.gz]");
      }
    }
    return absent.isEmpty() ? "" : "missing " + String.join(", ", absent);
  }

  private static @Nullable Path existing(Path dir, String name) {
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path plain = dir.resolve(name);
    return Files.isRegularFile(plain) ? plain : null;
  }

  private static Path file(Path dir, String name) {
    Path found = existing(dir, name);
    if (found == null) {
      throw new DatasetException(dir.resolve(name), name + "[.gz] disappeared from " + dir);
    }
    return found;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // The original failure is what the user needs to see; a leftover .part file is harmless.
    }
  }

  /** Options of a {@link FashionMnist} locator. */
  public static final class Builder {
    private @Nullable Path folder;
    private List<Path> searchPath = List.of(LOCAL_FOLDER, SYSTEM_FOLDER);
    private boolean allowDownload;
    private URI baseUri = OFFICIAL_BASE_URI;
    private Path downloadFolder = LOCAL_FOLDER;
    private Map<String, String> expectedSha256 = OFFICIAL_SHA256;

    private Builder() {}

    /** Sets a folder to look in before all others. */
    public Builder optFolder(Path folder) {
      this.folder = folder;
      return this;
    }

    /** Replaces the folders searched after the configured one; default {@code ./data/fashion-mnist}, then the system folder. */
    public Builder optSearchPath(List<Path> searchPath) {
      this.searchPath = List.copyOf(searchPath);
      return this;
    }

    /** Allows downloading the files when no folder holds them; default false. */
    public Builder optAllowDownload(boolean allowDownload) {
      this.allowDownload = allowDownload;
      return this;
    }

    /** Sets where downloads come from ({@code <baseUri><file>.gz}); default the official location. */
    public Builder optBaseUri(URI baseUri) {
      String text = baseUri.toString();
      this.baseUri = text.endsWith("/") ? baseUri : URI.create(text + "/");
      return this;
    }

    /** Sets where downloads go; default {@code ./data/fashion-mnist}. */
    public Builder optDownloadFolder(Path downloadFolder) {
      this.downloadFolder = downloadFolder;
      return this;
    }

    /** Replaces the expected SHA-256 of each file's uncompressed content (file name without .gz to hex). */
    public Builder optExpectedSha256(Map<String, String> expectedSha256) {
      this.expectedSha256 = Map.copyOf(expectedSha256);
      return this;
    }

    /** Builds the locator. */
    public FashionMnist build() {
      return new FashionMnist(this);
    }
  }
}
