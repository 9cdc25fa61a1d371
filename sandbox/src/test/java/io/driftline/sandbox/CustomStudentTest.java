package io.driftline.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.model.Preprocessing;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.SyntheticStudents;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomStudentTest {

  @Test
  void parsesEveryKeyInAnyOrder() {
    Preprocessing p = CustomStudent.parse("std=58.4,57.1,57.4;scale=255;mean=123.7,116.3,103.5");
    assertThat(p.pixelScale()).isEqualTo(255f);
    assertThat(p.mean()).containsExactly(123.7f, 116.3f, 103.5f);
    assertThat(p.std()).containsExactly(58.4f, 57.1f, 57.4f);
    assertThat(CustomStudent.parse("mean=0.5").pixelScale()).isEqualTo(1f);
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    assertThatThrownBy(() -> CustomStudent.parse("scale")).hasMessageContaining("'scale' is not key=value");
    assertThatThrownBy(() -> CustomStudent.parse("gamma=2")).hasMessageContaining("unknown key 'gamma'");
    assertThatThrownBy(() -> CustomStudent.parse("mean=a")).hasMessageContaining("mean value 'a' is not a number");
    assertThatThrownBy(() -> CustomStudent.parse("scale=1,2")).hasMessageContaining("scale takes one number");
    assertThatThrownBy(() -> CustomStudent.parse("std=0")).isInstanceOf(SandboxOptions.UsageException.class)
        .hasMessageStartingWith("--preprocessing: ");
  }

  @Test
  void writesThePreprocessingIntoACopyThatLoadsAsAStudent(@TempDir Path dir) throws Exception {
    Path original = dir.resolve("mine.onnx");
    Files.write(original, SyntheticStudents.nano(7));
    Path copy = CustomStudent.prepare(original, "scale=255;mean=72.4;std=90.0", dir.resolve("out"));
    try (StudentModel student = StudentModel.builder().setModel(copy).build()) {
      assertThat(student.preprocessing().pixelScale()).isEqualTo(255f);
      assertThat(student.preprocessing().mean()).containsExactly(72.4f);
      assertThat(student.preprocessing().std()).containsExactly(90.0f);
    }
    assertThatThrownBy(() -> CustomStudent.prepare(Files.writeString(dir.resolve("junk.onnx"), "not a model"), null,
        dir.resolve("out2"))).hasMessageContaining("cannot run as a Driftline student");
  }
}
