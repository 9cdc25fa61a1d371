package io.driftline.teacher.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.data.FashionMnist;
import io.driftline.core.model.Preprocessing;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.djl.ImportedModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReferenceArchitectureTest {

  static final ReferenceArchitecture.InputSpec FASHION = new ReferenceArchitecture.InputSpec(
      1, 28, 28, FashionMnist.CLASS_NAMES, Preprocessing.of(1f, 0.286f, 0.353f));

  @Test
  void sizesMeetTheDeviceClasses() {
    ArchitectureStats nano = ReferenceArchitecture.STUDENT_NANO.stats(FASHION);
    ArchitectureStats small = ReferenceArchitecture.STUDENT_SMALL.stats(FASHION);
    ArchitectureStats teacher = ReferenceArchitecture.TEACHER.stats(FASHION);
    assertThat(nano.parameters()).isLessThanOrEqualTo(30_000);
    assertThat(small.parameters()).isLessThanOrEqualTo(300_000).isGreaterThan(nano.parameters());
    assertThat(teacher.parameters()).isGreaterThanOrEqualTo(5 * small.parameters());
    assertThat(teacher.macs()).isGreaterThan(small.macs());
    assertThat(small.macs()).isGreaterThan(nano.macs());
    assertThat(nano.flops()).isEqualTo(2 * nano.macs());
    // The documented figures (javadoc, docs/reference-models.md).
    assertThat(List.of(nano.parameters(), small.parameters(), teacher.parameters()))
        .containsExactly(25_090L, 98_554L, 897_130L);
    assertThat(List.of(nano.macs(), small.macs(), teacher.macs())).containsExactly(527_104L, 1_994_240L, 8_255_232L);
  }

  @ParameterizedTest
  @EnumSource(ReferenceArchitecture.class)
  void graphHasTheStudentSignatureAndMetadata(ReferenceArchitecture architecture) {
    try (StudentModel student = StudentModel.load(architecture.build(FASHION, 7).toByteArray(), architecture.id())) {
      assertThat(student.inputShape()).containsExactly(1, 28, 28);
      assertThat(student.numClasses()).isEqualTo(10);
      assertThat(student.description().classNames()).isEqualTo(FashionMnist.CLASS_NAMES);
      assertThat(student.preprocessing()).isEqualTo(FASHION.preprocessing());
      if (architecture == ReferenceArchitecture.STUDENT_NANO) {
        assertThat(student.featureDimension()).isLessThanOrEqualTo(64);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ReferenceArchitecture.class)
  void statsCountTheParametersTheImporterTrains(ReferenceArchitecture architecture) {
    try (ImportedModel imported = ImportedModel.of(architecture.build(FASHION, 7))) {
      assertThat(imported.block().trainableParameterCount()).isEqualTo(architecture.stats(FASHION).parameters());
    }
  }

  @Test
  void otherInputSizesAndClassCountsBuild() {
    var spec = new ReferenceArchitecture.InputSpec(3, 32, 40, List.of("a", "b", "c"), Preprocessing.of(1f, 0.5f, 0.25f));
    try (StudentModel student = StudentModel.load(ReferenceArchitecture.STUDENT_SMALL.build(spec, 1).toByteArray(), "rgb")) {
      assertThat(student.inputShape()).containsExactly(3, 32, 40);
      assertThat(student.numClasses()).isEqualTo(3);
    }
  }

  @Test
  void rejectsInputsTooSmallForThePoolings() {
    assertThatThrownBy(() -> new ReferenceArchitecture.InputSpec(1, 4, 4, List.of("a", "b"), Preprocessing.identity()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 8x8");
  }

  @Test
  void looksArchitecturesUpById() {
    assertThat(ReferenceArchitecture.byId("Student-Small")).contains(ReferenceArchitecture.STUDENT_SMALL);
    assertThat(ReferenceArchitecture.byId("resnet")).isEmpty();
  }
}
