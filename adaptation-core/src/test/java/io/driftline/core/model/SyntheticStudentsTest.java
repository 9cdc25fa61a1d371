package io.driftline.core.model;

import static io.driftline.core.model.TestGraphs.randomImages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.driftline.core.image.Image;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticStudentsTest {

  private static long parameterCount(byte[] bytes) throws Exception {
    long count = 0;
    for (TensorProto t : ModelProto.parseFrom(bytes).getGraph().getInitializerList()) {
      long size = 1;
      for (long d : t.getDimsList()) {
        size *= d;
      }
      // Every value is really stored: raw little-endian floats.
      assertThat(t.getRawData().size()).isEqualTo(size * Float.BYTES);
      count += size;
    }
    return count;
  }

  @Test
  void nanoIsATinyStudentWithTheSignature() throws Exception {
    byte[] nano = SyntheticStudents.nano(1);
    // conv 1->16 (144+16), conv 16->32 (4608+32), conv 32->64 (18432+64), classifier 64->10 (640+10).
    assertThat(parameterCount(nano)).isEqualTo(23_946).isLessThanOrEqualTo(30_000);
    ModelProto proto = ModelProto.parseFrom(nano);
    assertThat(proto.getIrVersion()).isEqualTo(8);
    assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(13);
    try (StudentModel student = StudentModel.load(nano, "nano")) {
      assertThat(student.inputShape()).containsExactly(1, 28, 28);
      assertThat(student.featureDimension()).isEqualTo(64);
      assertThat(student.numClasses()).isEqualTo(10);
      assertThat(student.preprocessing()).isEqualTo(Preprocessing.of(1f, 0.5f, 0.5f));
      StudentOutput out = student.infer(randomImages(new SplittableRandom(2), 8, 1, 28, 28));
      // Features are averages of Relu outputs: never negative, and not all zero.
      for (float[] row : out.features()) {
        for (float v : row) {
          assertThat(v).isGreaterThanOrEqualTo(0f);
        }
      }
      assertThat(out.features()[0]).isNotEqualTo(new float[16]);
    }
  }

  @Test
  void smallIsLargerWithAProjectedFeatureLayer() throws Exception {
    byte[] small = SyntheticStudents.small(1);
    assertThat(parameterCount(small)).isEqualTo(110_474).isBetween(100_000L, 300_000L);
    try (StudentModel student = StudentModel.load(small, "small")) {
      assertThat(student.inputShape()).containsExactly(1, 28, 28);
      assertThat(student.featureDimension()).isEqualTo(128);
      assertThat(student.numClasses()).isEqualTo(10);
    }
  }

  @Test
  void sameSeedGivesTheSameModelAndOtherSeedsDiffer() {
    assertThat(SyntheticStudents.nano(3)).isEqualTo(SyntheticStudents.nano(3));
    assertThat(SyntheticStudents.nano(3)).isNotEqualTo(SyntheticStudents.nano(4));
    Image frame = randomImages(new SplittableRandom(5), 1, 1, 28, 28).get(0);
    try (StudentModel a = StudentModel.load(SyntheticStudents.nano(3), "a");
        StudentModel b = StudentModel.load(SyntheticStudents.nano(4), "b")) {
      assertThat(a.infer(frame).logits()).isNotEqualTo(b.infer(frame).logits());
    }
  }

  @Test
  void builderShapesColourInputsAndClassNames() {
    byte[] bytes = SyntheticStudents.builder().optChannels(3).optSize(32).optWidth(4).optDepth(3)
        .optFeatureDimension(24).optClasses(5).optClassNames(List.of("a", "b", "c", "d", "e")).build(9);
    try (StudentModel student = StudentModel.load(bytes, "custom")) {
      assertThat(student.inputShape()).containsExactly(3, 32, 32);
      assertThat(student.featureDimension()).isEqualTo(24);
      assertThat(student.numClasses()).isEqualTo(5);
      assertThat(student.description().classNames()).containsExactly("a", "b", "c", "d", "e");
    }
  }

  @Test
  void builderRejectsImpossibleShapes() {
    assertThatThrownBy(() -> SyntheticStudents.builder().optSize(4).optDepth(4).build(1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size 4");
    assertThatThrownBy(() -> SyntheticStudents.builder().optClasses(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classes");
    assertThatThrownBy(() -> SyntheticStudents.builder().optClassNames(List.of("one")).build(1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 classes");
  }
}
