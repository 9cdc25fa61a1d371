package io.driftline.core.data;

import static io.driftline.core.data.IdxTestFiles.gzip;
import static io.driftline.core.data.IdxTestFiles.idx;
import static io.driftline.core.data.IdxTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

  @TempDir Path dir;

  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Uncompressed IDX content of the four files for a tiny set whose pixels encode {@code marker}. */
  private static Map<String, byte[]> tinySet(int marker) {
    Map<String, byte[]> files = new HashMap<>();
    files.put(FashionMnist.TRAIN_IMAGES, idx(IdxReader.IMAGES_MAGIC, new int[] {3, 2, 2}, filled(12, marker)));
    files.put(FashionMnist.TRAIN_LABELS, idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {0, 9, 4}));
    files.put(FashionMnist.TEST_IMAGES, idx(IdxReader.IMAGES_MAGIC, new int[] {2, 2, 2}, filled(8, marker)));
    files.put(FashionMnist.TEST_LABELS, idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {7, 1}));
    return files;
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  private static Path folderWith(Path folder, int marker) {
    tinySet(marker).forEach((name, content) -> write(folder.resolve(name + ".gz"), gzip(content)));
    return folder;
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private static int marker(LabeledImages data) {
    return Math.round(data.image(0).pixels()[0] * 255f);
  }

  @Test
  void configuredFolderWinsOverSearchPath() {
    Path configured = folderWith(dir.resolve("configured"), 10);
    Path local = folderWith(dir.resolve("local"), 20);
    Path system = folderWith(dir.resolve("system"), 30);

    FashionMnist locator = FashionMnist.builder()
        .optFolder(configured).optSearchPath(List.of(local, system)).build();

    assertThat(locator.locate()).isEqualTo(configured);
    assertThat(marker(locator.test())).isEqualTo(10);
  }

  @Test
  void searchPathIsTriedInOrderAndIncompleteFoldersAreSkipped() throws IOException {
    Path configured = dir.resolve("configured-but-empty");
    Files.createDirectories(configured);
    Path local = folderWith(dir.resolve("local"), 20);
    Files.delete(local.resolve(FashionMnist.TEST_LABELS + ".gz"));
    Path system = folderWith(dir.resolve("system"), 30);

    FashionMnist locator = FashionMnist.builder()
        .optFolder(configured).optSearchPath(List.of(local, system)).build();

    assertThat(locator.locate()).isEqualTo(system);
    LabeledImages train = locator.train();
    assertThat(marker(train)).isEqualTo(30);
    assertThat(train.size()).isEqualTo(3);
    assertThat(train.label(1)).isEqualTo(9);
    assertThat(train.classNames()).isEqualTo(FashionMnist.CLASS_NAMES).hasSize(10);
    assertThat(train.classNames().get(9)).isEqualTo("Ankle boot");
  }

  @Test
  void uncompressedFilesCountToo() {
    Path folder = dir.resolve("plain");
    tinySet(40).forEach((name, content) -> write(folder.resolve(name), content));

    FashionMnist locator = FashionMnist.builder().optSearchPath(List.of(folder)).build();

    assertThat(marker(locator.test())).isEqualTo(40);
  }

  @Test
  void configuredFolderComesFromPropertyThenEnvironment() {
    Map<String, String> props = new HashMap<>();
    Map<String, String> env = new HashMap<>();
    assertThat(FashionMnist.configuredFolder(props::get, env::get)).isNull();
    env.put(FashionMnist.FOLDER_ENV, "/from/env");
    assertThat(FashionMnist.configuredFolder(props::get, env::get)).isEqualTo(Path.of("/from/env"));
    props.put(FashionMnist.FOLDER_PROPERTY, "/from/property");
    assertThat(FashionMnist.configuredFolder(props::get, env::get)).isEqualTo(Path.of("/from/property"));
  }

  @Test
  void nothingFoundGivesOneErrorListingPlacesAndRemedies() {
    Path local = dir.resolve("local");
    Path system = dir.resolve("system");

    FashionMnist locator = FashionMnist.builder().optSearchPath(List.of(local, system)).build();

    assertThatThrownBy(locator::test)
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("configured folder: not set")
        .hasMessageContaining(FashionMnist.FOLDER_PROPERTY)
        .hasMessageContaining(local + ": does not exist")
        .hasMessageContaining(system + ": does not exist")
        .hasMessageContaining("download from " + FashionMnist.OFFICIAL_BASE_URI + ": not allowed")
        .hasMessageContaining("dataset-fashion-mnist")
        .hasMessageContaining(FashionMnist.FOLDER_ENV);
  }

  private URI serve(Map<String, byte[]> gzFiles, AtomicInteger requests) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/fm/", exchange -> {
      requests.incrementAndGet();
      String name = exchange.getRequestURI().getPath().substring("/fm/".length());
      byte[] body = gzFiles.get(name);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fm");
  }

  @Test
  void downloadsMissingFilesAndChecksTheirDigests() throws Exception {
    Map<String, byte[]> content = tinySet(50);
    Map<String, byte[]> served = new HashMap<>();
    Map<String, String> digests = new HashMap<>();
    for (var e : content.entrySet()) {
      served.put(e.getKey() + ".gz", gzip(e.getValue()));
      digests.put(e.getKey(), sha256(e.getValue()));
    }
    AtomicInteger requests = new AtomicInteger();
    URI base = serve(served, requests);
    Path downloads = dir.resolve("downloads");

    FashionMnist locator = FashionMnist.builder()
        .optSearchPath(List.of(dir.resolve("none")))
        .optAllowDownload(true).optBaseUri(base).optDownloadFolder(downloads)
        .optExpectedSha256(digests).build();

    assertThat(locator.locate()).isEqualTo(downloads);
    assertThat(requests.get()).isEqualTo(4);
    for (String name : FashionMnist.FILES) {
      assertThat(downloads.resolve(name + ".gz")).exists();
      assertThat(FashionMnist.contentSha256(downloads.resolve(name + ".gz"))).isEqualTo(digests.get(name));
    }
    assertThat(marker(locator.train())).isEqualTo(50);
    // a second look finds the downloaded files and fetches nothing
    requests.set(0);
    locator.locate();
    assertThat(requests.get()).isZero();
  }

  @Test
  void downloadWithWrongDigestIsDeletedAndFails() throws Exception {
    Map<String, byte[]> content = tinySet(60);
    Map<String, byte[]> served = new HashMap<>();
    Map<String, String> digests = new HashMap<>();
    for (var e : content.entrySet()) {
      served.put(e.getKey() + ".gz", gzip(e.getValue()));
      digests.put(e.getKey(), sha256(e.getValue()));
    }
    String tampered = sha256(tinySet(61).get(FashionMnist.TRAIN_IMAGES));
    digests.put(FashionMnist.TRAIN_IMAGES, tampered);
    URI base = serve(served, new AtomicInteger());
    Path downloads = dir.resolve("downloads");

    FashionMnist locator = FashionMnist.builder()
        .optSearchPath(List.of())
        .optAllowDownload(true).optBaseUri(base).optDownloadFolder(downloads)
        .optExpectedSha256(digests).build();

    assertThatThrownBy(locator::locate)
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("SHA-256 mismatch")
        .hasMessageContaining(FashionMnist.TRAIN_IMAGES)
        .hasMessageContaining("expected " + tampered)
        .hasMessageContaining(sha256(content.get(FashionMnist.TRAIN_IMAGES)))
        .hasMessageContaining("deleted")
        .hasMessageContaining("dataset-fashion-mnist");
    assertThat(downloads.resolve(FashionMnist.TRAIN_IMAGES + ".gz")).doesNotExist();
    assertThat(downloads.resolve(FashionMnist.TRAIN_IMAGES + ".gz.part")).doesNotExist();
  }

  @Test
  void httpErrorIsReportedWithTheUrl() throws Exception {
    URI base = serve(Map.of(), new AtomicInteger());

    FashionMnist locator = FashionMnist.builder()
        .optSearchPath(List.of())
        .optAllowDownload(true).optBaseUri(base).optDownloadFolder(dir.resolve("downloads")).build();

    assertThatThrownBy(locator::locate)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining(base + "/" + FashionMnist.TRAIN_IMAGES + ".gz");
  }

  @Test
  void officialDigestsAreWellFormed() {
    assertThat(FashionMnist.OFFICIAL_SHA256).containsOnlyKeys(FashionMnist.FILES);
    assertThat(FashionMnist.OFFICIAL_SHA256.values()).allMatch(h -> h.matches("[0-9a-f]{64}"));
  }
}
