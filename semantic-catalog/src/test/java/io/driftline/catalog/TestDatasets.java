package io.driftline.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh temporary folders for TDB2 datasets of Spring test contexts (deleted when the JVM exits). */
public final class TestDatasets {

  private TestDatasets() {}

  /** Creates an empty folder for a dataset. */
  public static String newFolder() {
    try {
      Path folder = Files.createTempDirectory("catalog-tdb2-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(folder), "catalog-test-dataset-cleanup"));
      return folder.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path folder) {
    try (var paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: the folder is under the system's temporary directory.
    }
  }
}
