package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import org.junit.jupiter.api.Test;

class DeviceSampleTest {

  private static DeviceSample.Builder valid() {
    return DeviceSample.builder()
        .setEventId("e-1").setDeviceId("d-1").setStudentModelId("m-1").setWindowSeq(0).setFrameIndex(0)
        .setCapturedAt(EventFixtures.T0).setUncertainty(0.5f).setOodScore(0.1f).setPredictedClass(3)
        .setPixels(1, 2, 2, new byte[] {0, 1, 2, 3});
  }

  @Test
  void rejectsInvalidFieldsNamingThem() {
    assertThatThrownBy(() -> valid().setDeviceId("  ").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("deviceId must not be blank");
    assertThatThrownBy(() -> valid().setEventId("a\nb").build())
        .hasMessageContaining("eventId contains a control character at index 1");
    assertThatThrownBy(() -> valid().setStudentModelId("x".repeat(257)).build())
        .hasMessageContaining("studentModelId is 257 chars long");
    assertThatThrownBy(() -> valid().optDomainHint("bad\uD800").build())
        .hasMessageContaining("domainHint contains an unpaired UTF-16 surrogate at index 3");
    assertThatThrownBy(() -> valid().setPixels(1, 3, 3, new byte[4]).build())
        .hasMessage("pixels: shape 1x3x3 needs 9 bytes, got 4");
    assertThatThrownBy(() -> valid().setPixels(5, 1, 1, new byte[5]).build())
        .hasMessageContaining("channels must be in [1, 4], got 5");
    assertThatThrownBy(() -> valid().setPixels(1, 0, 1, new byte[0]).build())
        .hasMessageContaining("height must be in");
    assertThatThrownBy(() -> valid().setPixels(4, 4096, 4096, new byte[0]).build())
        .hasMessageContaining("at most 4194304 allowed; downscale it");
    assertThatThrownBy(() -> valid().setUncertainty(Float.POSITIVE_INFINITY).build())
        .hasMessageContaining("uncertainty must be a finite number");
    assertThatThrownBy(() -> valid().setOodScore(Float.NaN).build())
        .hasMessageContaining("oodScore must be a finite number");
    assertThatThrownBy(() -> valid().setPredictedClass(-1).build())
        .hasMessageContaining("predictedClass must be >= 0");
    assertThatThrownBy(() -> valid().setWindowSeq(-2).build())
        .hasMessageContaining("windowSeq must be >= 0");
    assertThatThrownBy(() -> valid().optFeatures(new float[] {0f, Float.NaN}).build())
        .hasMessageContaining("features[1] must be finite");
    assertThatThrownBy(() -> valid().optActiveBundle(new BundleRef("b", 0)))
        .hasMessageContaining("bundle version must be >= 1");
  }

  @Test
  void builderNamesTheMissingSetter() {
    assertThatThrownBy(() -> DeviceSample.builder().setEventId("e").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("setDeviceId was not called");
    assertThatThrownBy(() -> valid().setPixels(1, 1, 1, null).build())
        .hasMessageContaining("setPixels or setImage was not called");
  }

  @Test
  void imageConversionMatchesImageOps() {
    Image image = Image.wrap(3, 2, 2, new float[] {0f, 0.2f, 0.4f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 1f, 0f, 1f, 0f});
    DeviceSample sample = valid().setImage(image).build();
    assertThat(sample.channels()).isEqualTo(3);
    assertThat(sample.pixels()).containsExactly(ImageOps.toUint8(image));
    float[] back = sample.image().pixels();
    for (int i = 0; i < back.length; i++) {
      assertThat(back[i]).isCloseTo(image.pixels()[i], org.assertj.core.data.Offset.offset(0.5f / 255 + 1e-6f));
    }
  }

  @Test
  void equalityComparesArrayContents() {
    DeviceSample a = valid().optFeatures(new float[] {1f, 2f}).build();
    DeviceSample b = valid().optFeatures(new float[] {1f, 2f}).build();
    DeviceSample c = valid().optFeatures(new float[] {1f, 2.5f}).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.key()).isEqualTo("d-1");
    assertThat(a.toString()).contains("shape=1x2x2").contains("features=2 values");
  }
}
