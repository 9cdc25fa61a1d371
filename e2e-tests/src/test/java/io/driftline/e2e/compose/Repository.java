package io.driftline.e2e.compose;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root (the folder with docker-compose.yml) from the test's working directory. */
final class Repository {

  private Repository() {}

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no docker-compose.yml in " + Path.of("").toAbsolutePath() + " or above");
    }
    return dir;
  }
}
