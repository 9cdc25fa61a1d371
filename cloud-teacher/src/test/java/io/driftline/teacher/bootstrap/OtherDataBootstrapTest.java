package io.driftline.teacher.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.StudentModel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bootstrap-models trains on image folders and on any IDX set, with their own class names and sizes. */
class OtherDataBootstrapTest {

  @TempDir
  Path dir;

  @Test
  void trainsOnImageFolders() throws IOException {
    writeFolder(dir.resolve("train"), 48);
    writeFolder(dir.resolve("test"), 8);
    Path out = dir.resolve("out");
    String log = run("--quick", "--models", "student-nano", "--out", out.toString(), "--train-folder",
        dir.resolve("train").toString(), "--test-folder", dir.resolve("test").toString(), "--size", "12x12");
    try (StudentModel nano = StudentModel.load(out.resolve("student-nano.onnx"))) {
      assertThat(nano.inputShape()).as(log).containsExactly(1, 12, 12);
      assertThat(nano.description().classNames()).containsExactly("dark", "light");
    }
    assertThat(out.resolve("student-small.onnx")).doesNotExist();
  }

  @Test
  void trainsOnAnIdxSetWithGivenClassNames() throws IOException {
    writeIdx(dir, "train", 96);
    writeIdx(dir, "t10k", 16);
    Path out = dir.resolve("out");
    String log = run("--quick", "--models", "student-nano", "--out", out.toString(), "--idx", dir.toString(),
        "--class-names", "dark,light");
    try (StudentModel nano = StudentModel.load(out.resolve("student-nano.onnx"))) {
      assertThat(nano.inputShape()).as(log).containsExactly(1, 10, 10);
      assertThat(nano.description().classNames()).containsExactly("dark", "light");
    }
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = BootstrapModels.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String log = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(log).isZero();
    return log;
  }

  private static void writeFolder(Path root, int perClass) throws IOException {
    SplittableRandom random = new SplittableRandom(root.hashCode());
    for (String name : new String[] {"dark", "light"}) {
      Path classDir = Files.createDirectories(root.resolve(name));
      for (int i = 0; i < perClass; i++) {
        float[] pixels = new float[12 * 12];
        for (int p = 0; p < pixels.length; p++) {
          pixels[p] = (float) ((name.equals("dark") ? 0.2 : 0.7) + 0.2 * random.nextDouble());
        }
        try (OutputStream file = Files.newOutputStream(classDir.resolve(i + ".png"))) {
          ImageOps.writePng(Image.wrap(1, 12, 12, pixels), file);
        }
      }
    }
  }

  private static void writeIdx(Path dir, String prefix, int count) throws IOException {
    SplittableRandom random = new SplittableRandom(count);
    try (DataOutputStream images = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
        DataOutputStream labels = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
      images.writeInt(0x00000803);
      images.writeInt(count);
      images.writeInt(10);
      images.writeInt(10);
      labels.writeInt(0x00000801);
      labels.writeInt(count);
      for (int i = 0; i < count; i++) {
        int label = i % 2;
        labels.writeByte(label);
        for (int p = 0; p < 100; p++) {
          images.writeByte((label == 0 ? 40 : 180) + random.nextInt(60));
        }
      }
    }
  }
}
