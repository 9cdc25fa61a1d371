package io.driftline.core.hdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class HdcEncoderTest {

  private static float[] gaussian(int n, SplittableRandom random) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  @Test
  void sameParametersEncodeIdenticallyAndOtherSeedsDiffer() {
    SplittableRandom random = new SplittableRandom(1);
    HdcEncoder a = HdcEncoder.builder().setFeatureDimension(64).optSeed(42).build();
    HdcEncoder b = HdcEncoder.builder().setFeatureDimension(64).optSeed(42).build();
    HdcEncoder other = HdcEncoder.builder().setFeatureDimension(64).optSeed(43).build();
    assertThat(a.dimension()).isEqualTo(HdcEncoder.DEFAULT_DIMENSION);
    for (int trial = 0; trial < 20; trial++) {
      float[] x = gaussian(64, random);
      assertThat(a.encode(x)).isEqualTo(b.encode(x));
      // An independent projection of the same input is unrelated: about 0.5 +- 3 sigma (0.015).
      assertThat(a.encode(x).hammingSimilarity(other.encode(x))).isCloseTo(0.5, within(0.02));
    }
  }

  @Test
  void projectionFollowsTheRandomizedHadamardSpecification() {
    // Reference outputs of SplitMix64 seeded with 1234567 (Vigna's splitmix64.c).
    long[] reference = {
        Long.parseUnsignedLong("6457827717110365317"),
        Long.parseUnsignedLong("3203168211198807973"),
        Long.parseUnsignedLong("9817491932198370423"),
        Long.parseUnsignedLong("4593380528125082431")};
    // Three features pad to blocks of P = 4 rows; block k takes its signs from output k.
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(3).optDimension(100).optSeed(1234567).build();
    for (int d = 0; d < 16; d++) {
      int block = d / 4;
      int row = d % 4;
      for (int f = 0; f < 3; f++) {
        int sign = (reference[block] >>> f & 1L) != 0 ? 1 : -1;
        int hadamard = (Integer.bitCount(row & f) % 2 == 0) ? 1 : -1;
        assertThat(encoder.projectionSign(f, d)).as("R[%d][%d]", f, d).isEqualTo(hadamard * sign);
      }
    }
  }

  @Test
  void rowsOfOneBlockAreOrthogonalAndBlocksDiffer() {
    int features = 16;
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(features).optDimension(64).optSeed(5).build();
    for (int a = 0; a < 16; a++) {
      for (int b = 0; b < 16; b++) {
        int dot = 0;
        for (int f = 0; f < features; f++) {
          dot += encoder.projectionSign(f, a) * encoder.projectionSign(f, b);
        }
        assertThat(dot).as("rows %d and %d", a, b).isEqualTo(a == b ? features : 0);
      }
    }
    // Independent signs per block: block 1's rows are not block 0's.
    int same = 0;
    for (int f = 0; f < features; f++) {
      same += encoder.projectionSign(f, 0) == encoder.projectionSign(f, 16) ? 1 : 0;
    }
    assertThat(same).isBetween(1, features - 1);
  }

  @ParameterizedTest
  @ValueSource(ints = {21, 64, 100})
  void bitsAreTheSignsOfTheCentredProjection(int features) {
    // Blocks of 32 (several per word), 64 (one word each) and 128 (two words each); 1000 bits end
    // inside a block in each case.
    SplittableRandom random = new SplittableRandom(2);
    float[] center = gaussian(features, random);
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(features).optDimension(1000)
        .optSeed(9).optCenter(center).optThreshold(0.25f).build();
    int checked = 0;
    for (int trial = 0; trial < 20; trial++) {
      float[] x = gaussian(features, random);
      Hypervector hv = encoder.encode(x);
      for (int d = 0; d < 1000; d++) {
        double projection = 0;
        for (int f = 0; f < features; f++) {
          projection += encoder.projectionSign(f, d) * ((double) x[f] - center[f]);
        }
        if (Math.abs(projection - 0.25) > 1e-4) { // float rounding may decide exact ties either way
          assertThat(hv.bit(d)).as("bit %d", d).isEqualTo(projection > 0.25);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(19_000);
  }

  @Test
  void similarityFollowsTheAngleBetweenFeatures() {
    // Random hyperplanes separate two vectors at angle theta with probability theta / pi.
    SplittableRandom random = new SplittableRandom(3);
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(64).build();
    for (double theta : new double[] {0.1, Math.PI / 4, Math.PI / 2, 3 * Math.PI / 4}) {
      for (int trial = 0; trial < 5; trial++) {
        double[] u = unit(gaussianDouble(64, random));
        double[] w = gaussianDouble(64, random);
        double dot = 0;
        for (int i = 0; i < 64; i++) {
          dot += u[i] * w[i];
        }
        for (int i = 0; i < 64; i++) {
          w[i] -= dot * u[i];
        }
        double[] v = unit(w);
        float[] x = new float[64];
        float[] y = new float[64];
        for (int i = 0; i < 64; i++) {
          x[i] = (float) u[i];
          y[i] = (float) (Math.cos(theta) * u[i] + Math.sin(theta) * v[i]);
        }
        assertThat(encoder.encode(x).hammingSimilarity(encoder.encode(y)))
            .as("theta %.2f", theta)
            .isCloseTo(1 - theta / Math.PI, within(0.03));
      }
    }
  }

  @Test
  void centringRemovesTheBiasOfNonNegativeFeatures() {
    SplittableRandom random = new SplittableRandom(4);
    float[] mean = new float[64];
    Arrays.fill(mean, 1.5f);
    HdcEncoder raw = HdcEncoder.builder().setFeatureDimension(64).build();
    HdcEncoder centred = HdcEncoder.builder().setFeatureDimension(64).optCenter(mean).build();
    double centredSum = 0;
    for (int trial = 0; trial < 10; trial++) {
      float[] x = new float[64];
      float[] y = new float[64];
      for (int i = 0; i < 64; i++) { // independent ReLU-like features, uniform in [1, 2]
        x[i] = 1 + (float) random.nextDouble();
        y[i] = 1 + (float) random.nextDouble();
      }
      assertThat(raw.encode(x).hammingSimilarity(raw.encode(y))).isGreaterThan(0.75);
      // Centred, the pair is as unrelated as its centred angle says: 1 - angle / pi, about 0.5.
      double dot = 0;
      double xx = 0;
      double yy = 0;
      for (int i = 0; i < 64; i++) {
        dot += (x[i] - 1.5) * (y[i] - 1.5);
        xx += (x[i] - 1.5) * (x[i] - 1.5);
        yy += (y[i] - 1.5) * (y[i] - 1.5);
      }
      double angle = Math.acos(dot / Math.sqrt(xx * yy));
      double similarity = centred.encode(x).hammingSimilarity(centred.encode(y));
      assertThat(similarity).isCloseTo(1 - angle / Math.PI, within(0.03));
      centredSum += similarity;
    }
    assertThat(centredSum / 10).isCloseTo(0.5, within(0.05));
  }

  @Test
  void badInputNamesTheProblem() {
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(8).optDimension(64).build();
    assertThatThrownBy(() -> encoder.encode(new float[7])).hasMessageContaining("expects 8");
    float[] x = new float[8];
    x[3] = Float.NaN;
    assertThatThrownBy(() -> encoder.encode(x)).hasMessageContaining("features[3]");
    assertThatThrownBy(() -> HdcEncoder.builder().build()).hasMessageContaining("featureDimension");
    assertThatThrownBy(() -> HdcEncoder.builder().setFeatureDimension(4).optDimension(0).build())
        .hasMessageContaining("dimension");
    assertThatThrownBy(() -> HdcEncoder.builder().setFeatureDimension(4).optCenter(new float[3]).build())
        .hasMessageContaining("center");
    assertThatThrownBy(() -> HdcEncoder.builder().setFeatureDimension(4).optThreshold(Float.NaN).build())
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> HdcEncoder.builder().setFeatureDimension(4)
            .optDimension(Hypervector.MAX_DIMENSION + 1).build())
        .hasMessageContaining("dimension must be 1.." + Hypervector.MAX_DIMENSION);
    assertThatThrownBy(() -> HdcEncoder.builder()
            .setFeatureDimension(HdcEncoder.MAX_FEATURE_DIMENSION + 1).build())
        .hasMessageContaining("featureDimension must be at most");
  }

  @Test
  void hostileDimensionInAChecksummedFileIsRejectedBeforeAllocating() throws IOException {
    byte[] payload = HdcFormat.payload(data -> {
      data.writeInt(4);
      data.writeInt(1 << 30); // would need 4 GiB of signs
      data.writeLong(1);
      data.writeFloat(0);
      data.writeBoolean(false);
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HdcFormat.write(out, HdcEncoder.MAGIC, HdcEncoder.VERSION, payload);
    assertThatThrownBy(() -> HdcEncoder.read(new ByteArrayInputStream(out.toByteArray()), "enc.bin"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("enc.bin")
        .hasMessageContaining("dimension must be 1..");
  }

  @Test
  void saveAndLoadRebuildTheSameEncoder(@TempDir Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    HdcEncoder plain = HdcEncoder.builder().setFeatureDimension(10).optDimension(333).optSeed(-7).build();
    HdcEncoder centred = HdcEncoder.builder().setFeatureDimension(10).optDimension(333).optSeed(-7)
        .optCenter(gaussian(10, random)).optThreshold(-0.5f).build();
    for (HdcEncoder encoder : new HdcEncoder[] {plain, centred}) {
      Path file = dir.resolve("encoder.hdce");
      encoder.save(file);
      HdcEncoder loaded = HdcEncoder.load(file);
      assertThat(loaded).isEqualTo(encoder);
      float[] x = gaussian(10, random);
      assertThat(loaded.encode(x)).isEqualTo(encoder.encode(x));
    }
    assertThat(plain).isNotEqualTo(centred);
  }

  @Test
  void damagedFilesAreRejectedWithTheReason(@TempDir Path dir) throws IOException {
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(6).optDimension(128)
        .optCenter(new float[] {1, 2, 3, 4, 5, 6}).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoder.write(out);
    byte[] bytes = out.toByteArray();

    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> HdcEncoder.read(new ByteArrayInputStream(prefix), "enc.bin"))
          .as("prefix of %d bytes", length)
          .isInstanceOf(HdcFormatException.class)
          .hasMessageContaining("enc.bin")
          .hasMessageContaining("truncated");
    }
    byte[] flipped = bytes.clone();
    flipped[20] ^= 0x10;
    assertThatThrownBy(() -> HdcEncoder.read(new ByteArrayInputStream(flipped), "enc.bin"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("checksum");
    byte[] garbage = "this is not an encoder at all".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> HdcEncoder.read(new ByteArrayInputStream(garbage), "enc.bin"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("not a Driftline HDC encoder");
    byte[] newerVersion = bytes.clone();
    newerVersion[5] = 9;
    assertThatThrownBy(() -> HdcEncoder.read(new ByteArrayInputStream(newerVersion), "enc.bin"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("version 9");

    Path memoryFile = dir.resolve("memory.hdcp");
    new PrototypeMemory(128).save(memoryFile);
    assertThatThrownBy(() -> HdcEncoder.load(memoryFile))
        .isInstanceOf(HdcFormatException.class)
        .hasMessageContaining(memoryFile.getFileName().toString())
        .hasMessageContaining("not a Driftline HDC encoder");
  }

  @Test
  void payloadThatPassesTheChecksumButIsInconsistentIsRejected() throws IOException {
    byte[] payload = HdcFormat.payload(data -> {
      data.writeInt(4);
      data.writeInt(-5); // negative dimension
      data.writeLong(1);
      data.writeFloat(0);
      data.writeBoolean(false);
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HdcFormat.write(out, HdcEncoder.MAGIC, HdcEncoder.VERSION, payload);
    assertThatThrownBy(() -> HdcEncoder.read(new ByteArrayInputStream(out.toByteArray()), "enc.bin"))
        .isInstanceOf(HdcFormatException.class).hasMessageContaining("corrupted");
  }

  private static double[] gaussianDouble(int n, SplittableRandom random) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextGaussian();
    }
    return x;
  }

  private static double[] unit(double[] x) {
    double norm = Math.sqrt(Arrays.stream(x).map(v -> v * v).sum());
    return Arrays.stream(x).map(v -> v / norm).toArray();
  }
}
