package io.driftline.testsupport;

import org.testcontainers.DockerClientFactory;

/** Whether a Docker engine answers, asked once per JVM because the probe takes a moment. */
final class Docker {

  private static volatile @org.jspecify.annotations.Nullable Boolean available;

  private Docker() {}

  static boolean isAvailable() {
    Boolean known = available;
    if (known == null) {
      boolean answer;
      try {
        answer = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        answer = false;
      }
      available = answer;
      known = answer;
    }
    return known;
  }
}
