package io.driftline.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.agent.AgentFixtures;
import io.driftline.core.image.ImageOps;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The folder watch takes new image files in name order and skips a corrupt one with one log line. */
@ExtendWith(OutputCaptureExtension.class)
class FolderWatchSourceTest {

  @TempDir
  Path dir;

  private void png(String name, long seed) throws Exception {
    try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
      ImageOps.writePng(AgentFixtures.frame(new SplittableRandom(seed)), out);
    }
  }

  @Test
  void aCorruptFileIsSkippedWithOneLogLineAndTheSourceGoesOn(CapturedOutput output) throws Exception {
    FolderWatchSource source = new FolderWatchSource(dir, 1, Duration.ofMillis(20));
    png("001.png", 1);
    Files.write(dir.resolve("002.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5});
    Files.writeString(dir.resolve("notes.txt"), "not an image, not even looked at");
    png("003.png", 3);

    SourceFrame first = source.next();
    SourceFrame second = source.next();
    png("004.png", 4);
    SourceFrame third = source.next();

    assertThat(first.origin()).isEqualTo("001.png");
    assertThat(second.origin()).isEqualTo("003.png");
    assertThat(third.origin()).isEqualTo("004.png");
    assertThat(first.image().height()).isEqualTo(28);
    assertThat(source.skipped()).isEqualTo(1);
    assertThat(output.getAll().lines().filter(l -> l.contains("002.png")).toList())
        .singleElement().asString().contains("skipping image file 002.png");
  }

  @Test
  void aMissingFolderIsRefusedWithItsName() {
    Path missing = dir.resolve("nope");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FolderWatchSource(missing, 1, Duration.ofMillis(20)))
        .hasMessageContaining(missing + " does not exist");
  }
}
