package io.driftline.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Writes seed inputs for a fuzz test where Jazzer's regression mode replays them:
 * {@code <resources>/<package path>/<TestClass>Inputs/<method>/seed-<sha1>}.
 *
 * <p>Seeds come from the real encoders (run by each fuzz test's {@code writeSeeds} method, enabled
 * with {@code -Ddriftline.fuzz.seeds=<src/test/resources>}), so they start the fuzzer on valid
 * structure instead of making it discover the format from nothing.
 */
public final class SeedCorpus {

  /** The system property naming the test resources folder to write seeds to. */
  public static final String PROPERTY = "driftline.fuzz.seeds";

  private final Path directory;

  private SeedCorpus(Path directory) {
    this.directory = directory;
  }

  /** The seed folder of {@code testClass}'s fuzz test {@code method} under the folder in {@link #PROPERTY}. */
  public static SeedCorpus of(Class<?> testClass, String method) {
    String resources = System.getProperty(PROPERTY);
    if (resources == null || resources.isBlank()) {
      throw new IllegalStateException("set -D" + PROPERTY + "=<module>/src/test/resources");
    }
    Path dir = Path.of(resources, testClass.getPackageName().replace('.', '/'),
        testClass.getSimpleName() + "Inputs", method);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SeedCorpus(dir);
  }

  /** Writes one seed, named by its SHA-1 as libFuzzer names corpus entries, so rewriting is idempotent. */
  public SeedCorpus add(byte[] seed) {
    try {
      String name = "seed-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(seed));
      Files.write(directory.resolve(name), seed);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
