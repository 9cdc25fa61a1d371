package io.driftline.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftline.core.bundle.Ed25519Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.ConfigTreePropertySource;

/**
 * The compose key exchange (deploy/keygen/teacher-key.sh, run by the one-shot keygen service):
 * the key pair it writes is the one the cloud teacher loads, and the folder it publishes, imported
 * as a Spring config tree the way the registry's SPRING_CONFIG_IMPORT does, binds
 * driftline.registry.signing.trusted-keys to exactly the teacher's public key.
 */
class KeyExchangeTest {

  private static Path script;

  @BeforeAll
  static void needsOpenssl() throws Exception {
    script = Repository.root().resolve("deploy/keygen/teacher-key.sh");
    assumeTrue(run(List.of("openssl", "version"), Path.of(".")).exitCode() == 0,
        "openssl is not installed (the keygen image installs it; apt-get install openssl to run this test)");
  }

  @Test
  void theRegistryTrustsExactlyTheKeyTheTeacherSignsWith(@TempDir Path dir) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Path trust = Files.createDirectories(dir.resolve("trust"));
    Result first = keygen(keys, trust);
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("generated the teacher signing key");

    Ed25519Keys.Loaded teacher = Ed25519Keys.loadOrCreate(keys.resolve("signing-key.pem"));
    assertThat(teacher.generated()).as("the teacher loads the pair keygen wrote instead of making its own").isFalse();

    List<String> trusted = registryTrustedKeys(trust);
    assertThat(trusted).hasSize(1);
    PublicKey registryTrusts = Ed25519Keys.parsePublicKey(trusted.get(0));
    assertThat(Ed25519Keys.keyId(registryTrusts)).isEqualTo(Ed25519Keys.keyId(teacher.pair().getPublic()));
    assertThat(registryTrusts.getEncoded()).isEqualTo(teacher.pair().getPublic().getEncoded());
    if (Files.getFileStore(keys).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("signing-key.pem"))))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aSecondRunKeepsTheKeyAndRepublishesIt(@TempDir Path dir) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Path trust = Files.createDirectories(dir.resolve("trust"));
    assertThat(keygen(keys, trust).exitCode()).isZero();
    byte[] privateKey = Files.readAllBytes(keys.resolve("signing-key.pem"));
    Files.delete(trust.resolve("driftline.registry.signing.trusted-keys"));

    Result second = keygen(keys, trust);
    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output()).doesNotContain("generated");
    assertThat(Files.readAllBytes(keys.resolve("signing-key.pem"))).isEqualTo(privateKey);
    assertThat(registryTrustedKeys(trust)).containsExactly(Files.readString(keys.resolve("signing-key.pem.pub")).strip());
  }

  /** What the registry binds to its trusted keys from the config tree folder. */
  private static List<String> registryTrustedKeys(Path trust) {
    ConfigTreePropertySource tree = new ConfigTreePropertySource("trust", trust);
    Binder binder = new Binder(ConfigurationPropertySources.from(tree));
    return binder.bind("driftline.registry.signing.trusted-keys", Bindable.listOf(String.class))
        .orElse(List.of()).stream().map(String::strip).toList();
  }

  private static Result keygen(Path keys, Path trust) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sh", script.toString());
    builder.environment().put("KEYS_DIR", keys.toString());
    builder.environment().put("TRUST_DIR", trust.toString());
    builder.environment().put("DRIFTLINE_UID", uid());
    return run(builder);
  }

  private static String uid() throws Exception {
    return run(List.of("id", "-u"), Path.of(".")).output().strip();
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Path dir) throws Exception {
    return run(new ProcessBuilder(command).directory(dir.toFile()));
  }

  private static Result run(ProcessBuilder builder) throws InterruptedException {
    try {
      Process process = builder.redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, output + "\n(timed out)");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    }
  }
}
