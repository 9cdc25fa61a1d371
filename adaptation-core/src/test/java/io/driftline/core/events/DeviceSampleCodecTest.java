package io.driftline.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeviceSampleCodecTest {

  private static final String TOPIC = Topics.DEVICE_SAMPLES;

  /** A typical Fashion-MNIST upload: UUID event id, short device and model ids, an active bundle. */
  static DeviceSample typical28x28() {
    byte[] pixels = new byte[28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 7);
    }
    return DeviceSample.builder()
        .setEventId("0f8fad5b-d9cb-469f-a165-70867728950e")
        .setDeviceId("device-0042")
        .setStudentModelId("fashion-mnist-student")
        .optActiveBundle(new BundleRef("bundle-7f3a", 3))
        .setWindowSeq(1234)
        .setFrameIndex(567_890)
        .setCapturedAt(EventFixtures.T0)
        .setUncertainty(1.7f)
        .setOodScore(0.42f)
        .setPredictedClass(7)
        .setPixels(1, 28, 28, pixels)
        .build();
  }

  @Test
  void roundTripsEveryCombinationOfOptionalSections() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int optionals = 0; optionals < 16; optionals++) {
      for (int rep = 0; rep < 25; rep++) {
        DeviceSample sample = EventFixtures.sample(rnd, optionals);
        byte[] encoded = DeviceSampleCodec.encode(sample);
        DeviceSample decoded = DeviceSampleCodec.decode(TOPIC, encoded);
        assertThat(decoded).isEqualTo(sample);
        assertThat(decoded.capturedAt()).isEqualTo(sample.capturedAt());
        assertThat(decoded.pixels()).containsExactly(sample.pixels());
        assertThat(encoded[2]).as("flags").isEqualTo((byte) optionals);
        assertThat(encoded).hasSize(DeviceSampleCodec.encodedSize(sample));
      }
    }
  }

  @Test
  void differentSamplesEncodeDifferently() {
    DeviceSample a = typical28x28();
    byte[] otherPixels = a.pixels().clone();
    otherPixels[100] ^= 1;
    DeviceSample b = new DeviceSample(a.eventId(), a.deviceId(), a.studentModelId(), a.activeBundle(),
        a.windowSeq(), a.frameIndex(), a.capturedAt(), a.uncertainty(), a.oodScore(), a.predictedClass(),
        a.domainHint(), 1, 28, 28, otherPixels, null, null);
    assertThat(DeviceSampleCodec.encode(b)).isNotEqualTo(DeviceSampleCodec.encode(a));
    assertThat(DeviceSampleCodec.decode(TOPIC, DeviceSampleCodec.encode(b))).isNotEqualTo(a);
  }

  @Test
  void typical28x28SampleCostsTheLayoutsBytesAndLittleMore() {
    DeviceSample sample = typical28x28();
    byte[] encoded = DeviceSampleCodec.encode(sample);
    // Sum of the documented layout, field by field.
    int expected = 1 + 1 + 1 // magic, version, flags
        + (2 + 36) + (2 + 11) + (2 + 21) // eventId, deviceId, studentModelId
        + (2 + 11) + 8 // activeBundle id + version
        + 8 + 8 // windowSeq, frameIndex
        + 8 + 4 // capturedAt
        + 4 + 4 + 4 // uncertainty, oodScore, predictedClass
        + 1 + 2 + 2 // shape
        + 784; // pixels
    assertThat(encoded).hasSize(expected);
    assertThat(expected).isEqualTo(927);
    assertThat(encoded.length).isLessThan(784 + 200);
    System.out.printf("encoded 28x28 grey sample: %d bytes = 784 pixel bytes + %d bytes overhead%n",
        encoded.length, encoded.length - 784);
  }

  @Test
  void layoutMatchesTheDocumentedOffsets() {
    DeviceSample sample = typical28x28();
    ByteBuffer b = ByteBuffer.wrap(DeviceSampleCodec.encode(sample));
    assertThat(b.get()).isEqualTo((byte) 0xD1);
    assertThat(b.get()).isEqualTo((byte) 1);
    assertThat(b.get()).isEqualTo((byte) DeviceSampleCodec.FLAG_BUNDLE);
    assertThat(readString(b)).isEqualTo(sample.eventId());
    assertThat(readString(b)).isEqualTo(sample.deviceId());
    assertThat(readString(b)).isEqualTo(sample.studentModelId());
    assertThat(readString(b)).isEqualTo("bundle-7f3a");
    assertThat(b.getLong()).isEqualTo(3);
    assertThat(b.getLong()).isEqualTo(1234);
    assertThat(b.getLong()).isEqualTo(567_890);
    assertThat(Instant.ofEpochSecond(b.getLong(), b.getInt())).isEqualTo(EventFixtures.T0);
    assertThat(b.getFloat()).isEqualTo(1.7f);
    assertThat(b.getFloat()).isEqualTo(0.42f);
    assertThat(b.getInt()).isEqualTo(7);
    assertThat(b.get()).isEqualTo((byte) 1);
    assertThat(b.getShort()).isEqualTo((short) 28);
    assertThat(b.getShort()).isEqualTo((short) 28);
    byte[] pixels = new byte[784];
    b.get(pixels);
    assertThat(pixels).containsExactly(sample.pixels());
    assertThat(b.hasRemaining()).isFalse();
  }

  private static String readString(ByteBuffer b) {
    byte[] s = new byte[b.getShort() & 0xFFFF];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  @Test
  void everyTruncationIsRejectedWithAFormatError() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (DeviceSample sample : new DeviceSample[] {typical28x28(), EventFixtures.sample(rnd, 15)}) {
      byte[] encoded = DeviceSampleCodec.encode(sample);
      for (int length = 0; length < encoded.length; length++) {
        byte[] cut = Arrays.copyOf(encoded, length);
        assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, cut))
            .as("prefix of %d bytes", length)
            .isInstanceOf(EventFormatException.class)
            .hasMessageContaining("truncated")
            .hasMessageContaining(TOPIC);
      }
    }
  }

  @Test
  void trailingBytesAreRejected() {
    byte[] encoded = DeviceSampleCodec.encode(typical28x28());
    byte[] longer = Arrays.copyOf(encoded, encoded.length + 3);
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, longer))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("3 unexpected trailing bytes");
  }

  @Test
  void badMagicAndVersionAndFlagsAreNamed() {
    byte[] encoded = DeviceSampleCodec.encode(typical28x28());

    byte[] json = "{\"deviceId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, json))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("bad magic byte 0x7B")
        .hasMessageContaining("looks like JSON");

    byte[] version = encoded.clone();
    version[1] = 2;
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, version))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("unsupported format version 2");

    byte[] flags = encoded.clone();
    flags[2] |= 0x40;
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, flags))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("unknown flag bits 0x40");
  }

  @Test
  void hostileLengthsAreRejectedBeforeAllocating() {
    // Pixel shape 255 x 65535 x 65535 (~1 TB): rejected by the limit, not by an OutOfMemoryError.
    byte[] shape = DeviceSampleCodec.encode(typical28x28());
    int shapeAt = shape.length - 784 - 5;
    shape[shapeAt] = (byte) 0xFF;
    shape[shapeAt + 1] = shape[shapeAt + 2] = shape[shapeAt + 3] = shape[shapeAt + 4] = (byte) 0xFF;
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, shape))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("pixels: shape 255x65535x65535");

    // Within the pixel limit but larger than the record: truncated, not allocated.
    byte[] large = DeviceSampleCodec.encode(typical28x28());
    large[shapeAt] = 4;
    large[shapeAt + 1] = 4;
    large[shapeAt + 2] = 0;
    large[shapeAt + 3] = 4;
    large[shapeAt + 4] = 0;
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, large))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("truncated: pixels needs 4194304 bytes");

    // A string length of 65535 in a ~1 KB record.
    byte[] string = DeviceSampleCodec.encode(typical28x28());
    string[3] = (byte) 0xFF;
    string[4] = (byte) 0xFF;
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, string))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("truncated: eventId needs 65535 bytes");

    // Feature count and hypervector dimension of Integer.MAX_VALUE.
    DeviceSample withFeatures = DeviceSample.builder()
        .setEventId("e").setDeviceId("d").setStudentModelId("m").setWindowSeq(0).setFrameIndex(0)
        .setCapturedAt(EventFixtures.T0).setUncertainty(0).setOodScore(0).setPredictedClass(0)
        .setPixels(1, 1, 1, new byte[1]).optFeatures(new float[] {1f}).build();
    byte[] features = DeviceSampleCodec.encode(withFeatures);
    ByteBuffer.wrap(features).putInt(features.length - 8, Integer.MAX_VALUE);
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, features))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("features.count 2147483647 is outside");
    ByteBuffer.wrap(features).putInt(features.length - 8, 60_000);
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, features))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("truncated: features needs 240000 bytes");

    DeviceSample withHv = new DeviceSample("e", "d", "m", null, 0, 0, EventFixtures.T0, 0, 0, 0, null,
        1, 1, 1, new byte[1], null, EventFixtures.hypervector(new SplittableRandom(1), 64));
    byte[] hv = DeviceSampleCodec.encode(withHv);
    ByteBuffer.wrap(hv).putInt(hv.length - 12, Integer.MAX_VALUE);
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, hv))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("hypervector.dimension 2147483647 is outside");
  }

  @Test
  void invalidContentIsReportedWithTheFieldName() {
    byte[] encoded = DeviceSampleCodec.encode(typical28x28());
    int uncertaintyAt = 3 + (2 + 36) + (2 + 11) + (2 + 21) + (2 + 11) + 8 + 8 + 8 + 12;
    byte[] nan = encoded.clone();
    ByteBuffer.wrap(nan).putFloat(uncertaintyAt, Float.NaN);
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, nan))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("uncertainty must be a finite number");

    byte[] utf8 = encoded.clone();
    utf8[5] = (byte) 0xC3; // a lead byte followed by an ASCII byte: malformed UTF-8 in eventId
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, utf8))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("eventId at offset 5 is not valid UTF-8");

    byte[] nanos = encoded.clone();
    ByteBuffer.wrap(nanos).putInt(uncertaintyAt - 4, 1_000_000_000);
    assertThatThrownBy(() -> DeviceSampleCodec.decode(TOPIC, nanos))
        .isInstanceOf(EventFormatException.class)
        .hasMessageContaining("capturedAt.nano");
  }

  @Test
  void randomCorruptionYieldsAFormatErrorOrAValidSampleNeverAnotherException() {
    SplittableRandom rnd = new SplittableRandom(23);
    int rejected = 0;
    for (int trial = 0; trial < 3000; trial++) {
      byte[] bytes = DeviceSampleCodec.encode(EventFixtures.sample(rnd, rnd.nextInt(16)));
      int flips = 1 + rnd.nextInt(4);
      for (int f = 0; f < flips; f++) {
        // Bias towards the header and fixed fields, where the structure lives.
        int at = rnd.nextInt(Math.min(bytes.length, rnd.nextBoolean() ? 120 : bytes.length));
        bytes[at] = (byte) rnd.nextInt(256);
      }
      try {
        DeviceSample decoded = DeviceSampleCodec.decode(TOPIC, bytes);
        // Whatever decodes must be a self-consistent sample that encodes back to the same bytes.
        assertThat(DeviceSampleCodec.encode(decoded)).containsExactly(bytes);
      } catch (EventFormatException e) {
        rejected++;
        assertThat(e.topic()).isEqualTo(TOPIC);
      }
    }
    assertThat(rejected).as("corruptions caught").isGreaterThan(100);
  }

  @Test
  void kafkaDeserializerReturnsNullForNullAndNamesTheTopic() {
    EventDeserializer<DeviceSample> deserializer = new EventDeserializer<>(DeviceSample.class);
    assertThat(deserializer.deserialize("device.samples", null)).isNull();
    assertThatThrownBy(() -> deserializer.deserialize("device.samples.eu", new byte[] {1, 2}))
        .isInstanceOf(EventFormatException.class)
        .hasMessageStartingWith("bad record on topic 'device.samples.eu': bad magic byte 0x01");
  }
}
