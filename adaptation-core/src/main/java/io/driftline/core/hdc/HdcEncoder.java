package io.driftline.core.hdc;

import io.driftline.core.random.SplitMix64;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Encodes a student feature vector into a binary {@link Hypervector} by random projection:
 * {@code bit d = (sum_f R[f][d] * (x[f] - c[f])) > threshold}, with {@code R} a random {@code ±1}
 * matrix and {@code c} an optional centre (the clean-data feature mean).
 *
 * <p>{@code R} is a pure function of {@code (seed, featureDimension, dimension)}: row {@code f} is
 * the next {@code ceil(D/64)} outputs of SplitMix64 seeded with {@code seed}, bit {@code d % 64} of
 * word {@code d / 64} set meaning {@code +1}. So the seed, the dimensions, the centre and the
 * threshold are all a stored encoder needs.
 *
 * <p>Centring matters: sign projections of uncentred non-negative (ReLU) features share the common
 * component {@code R·mean}, which pushes every code towards the same pattern, so unrelated inputs look
 * similar (Hamming similarity well above 0.5). Subtracting the clean-data mean restores the
 * {@code 1 - angle/pi} similarity of random hyperplanes.
 *
 * <p>For speed, {@code R} is kept as one byte per (group of 8 features, output bit); encoding builds a
 * 256-entry table of signed partial sums per group and adds one table entry per output bit, so a
 * 64-d feature costs 8 table look-ups per bit instead of 64 multiply-adds. Instances are immutable
 * and thread-safe.
 */
public final class HdcEncoder {

  /** Default hypervector dimension: large enough that random codes concentrate tightly at 0.5. */
  public static final int DEFAULT_DIMENSION = 10_000;

  /** Default projection seed. */
  public static final long DEFAULT_SEED = 0x5EEDL;

  static final int MAGIC = 0x444C4845; // "DLHE"
  static final short VERSION = 1;
  private static final String KIND = "HDC encoder";

  private final int featureDimension;
  private final int dimension;
  private final long seed;
  private final float threshold;
  private final float @Nullable [] center;
  private final int groups;
  /** {@code patterns[d * groups + g]} bit {@code j} set iff {@code R[8g + j][d] = +1}. */
  private final byte[] patterns;

  private HdcEncoder(int featureDimension, int dimension, long seed, float threshold, float @Nullable [] center) {
    this.featureDimension = featureDimension;
    this.dimension = dimension;
    this.seed = seed;
    // +0.0f turns a -0.0 threshold into +0.0 so that equal settings store and compare equal.
    this.threshold = threshold + 0.0f;
    this.center = center;
    this.groups = (featureDimension + 7) / 8;
    this.patterns = new byte[groups * dimension];
    SplitMix64 random = new SplitMix64(seed);
    int wordsPerRow = Hypervector.wordsFor(dimension);
    for (int f = 0; f < featureDimension; f++) {
      int group = f >>> 3;
      byte mask = (byte) (1 << (f & 7));
      for (int w = 0; w < wordsPerRow; w++) {
        long word = random.nextLong();
        int end = Math.min(64, dimension - 64 * w);
        for (int j = 0; j < end; j++) {
          if ((word >>> j & 1L) != 0) {
            patterns[(64 * w + j) * groups + group] |= mask;
          }
        }
      }
    }
  }

  /** Starts a builder; {@code setFeatureDimension} is required, everything else has a default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Encodes one feature vector.
   *
   * @throws IllegalArgumentException if the length is not {@link #featureDimension()} or a value is
   *     not finite
   */
  public Hypervector encode(float[] features) {
    if (features.length != featureDimension) {
      throw new IllegalArgumentException(
          "features have length " + features.length + " but this encoder expects " + featureDimension);
    }
    float[] twice = new float[8];
    float[] tables = new float[groups << 8];
    for (int g = 0; g < groups; g++) {
      float total = 0;
      for (int j = 0; j < 8; j++) {
        int f = 8 * g + j;
        float x = 0;
        if (f < featureDimension) {
          x = features[f];
          if (!Float.isFinite(x)) {
            throw new IllegalArgumentException("features[" + f + "] is " + x);
          }
          if (center != null) {
            x -= center[f];
          }
        }
        twice[j] = 2 * x;
        total += x;
      }
      // tables[g][m] = sum_j (bit j of m ? +x[j] : -x[j]); each entry is one add from a smaller one.
      int t = g << 8;
      tables[t] = -total;
      for (int m = 1; m < 256; m++) {
        tables[t + m] = tables[t + (m & (m - 1))] + twice[Integer.numberOfTrailingZeros(m)];
      }
    }
    return new Hypervector(dimension, project(patterns, groups, tables, threshold, dimension));
  }

  /**
   * Sums one table entry per group for each output bit and packs the bits. Bit-major order keeps
   * all tables in L1 and needs no D-sized accumulator; a static method with everything in locals is
   * what the JIT compiles best.
   */
  private static long[] project(byte[] patterns, int groups, float[] tables, float threshold, int dimension) {
    long[] words = new long[Hypervector.wordsFor(dimension)];
    int p = 0;
    for (int w = 0; w < words.length; w++) {
      long bits = 0;
      int end = Math.min(64, dimension - 64 * w);
      for (int j = 0; j < end; j++) {
        float sum = 0;
        for (int g = 0; g < groups; g++) {
          sum += tables[(g << 8) | (patterns[p++] & 0xFF)];
        }
        if (sum > threshold) {
          bits |= 1L << j;
        }
      }
      words[w] = bits;
    }
    return words;
  }

  /** Returns {@code R[feature][bit]}, {@code +1} or {@code -1}; for inspection and tests. */
  public int projectionSign(int feature, int bit) {
    if (feature < 0 || feature >= featureDimension || bit < 0 || bit >= dimension) {
      throw new IndexOutOfBoundsException(
          "R[" + feature + "][" + bit + "] outside " + featureDimension + " x " + dimension);
    }
    return (patterns[bit * groups + (feature >>> 3)] >>> (feature & 7) & 1) != 0 ? 1 : -1;
  }

  /** Length of the feature vectors this encoder takes. */
  public int featureDimension() {
    return featureDimension;
  }

  /** Number of bits of the hypervectors it produces. */
  public int dimension() {
    return dimension;
  }

  /** Seed of the projection matrix. */
  public long seed() {
    return seed;
  }

  /** Threshold a projection must exceed for its bit to be set. */
  public float threshold() {
    return threshold;
  }

  /** A copy of the centre subtracted from features before projecting, if any. */
  public Optional<float[]> center() {
    return center == null ? Optional.empty() : Optional.of(center.clone());
  }

  /**
   * Writes the encoder's parameters (not the matrix, which the seed rebuilds) in the format
   * described in {@code docs/uncertainty-hdc-ugs.md}.
   */
  public void write(OutputStream out) throws IOException {
    byte[] payload = HdcFormat.payload(data -> {
      data.writeInt(featureDimension);
      data.writeInt(dimension);
      data.writeLong(seed);
      data.writeFloat(threshold);
      data.writeBoolean(center != null);
      if (center != null) {
        for (float c : center) {
          data.writeFloat(c);
        }
      }
    });
    HdcFormat.write(out, MAGIC, VERSION, payload);
  }

  /**
   * Reads an encoder written by {@link #write}.
   *
   * @param source names the input in error messages (e.g. a file name)
   * @throws HdcFormatException if the input is not an encoder, is truncated or corrupted
   */
  public static HdcEncoder read(InputStream in, String source) throws IOException {
    DataInputStream data = HdcFormat.read(in, MAGIC, VERSION, KIND, source);
    try {
      int featureDimension = data.readInt();
      int dimension = data.readInt();
      long seed = data.readLong();
      float threshold = data.readFloat();
      boolean centred = data.readBoolean();
      if (featureDimension <= 0 || dimension <= 0) {
        throw new HdcFormatException(source + ": corrupted " + KIND + " file: dimensions "
            + featureDimension + " x " + dimension);
      }
      float[] center = null;
      if (centred) {
        if (featureDimension > data.available() / 4) {
          throw new HdcFormatException(source + ": corrupted " + KIND + " file: centre of "
              + featureDimension + " floats does not fit the payload");
        }
        center = new float[featureDimension];
        for (int i = 0; i < featureDimension; i++) {
          center[i] = data.readFloat();
        }
      }
      HdcFormat.requireFullyRead(data, KIND, source);
      try {
        return new Builder().setFeatureDimension(featureDimension).optDimension(dimension)
            .optSeed(seed).optThreshold(threshold).optCenter(center).build();
      } catch (IllegalArgumentException e) {
        throw new HdcFormatException(source + ": corrupted " + KIND + " file: " + e.getMessage());
      }
    } catch (EOFException e) {
      throw HdcFormat.inconsistent(KIND, source, e);
    }
  }

  /** Writes the encoder to {@code file}, replacing it. */
  public void save(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      write(out);
    }
  }

  /**
   * Reads an encoder from {@code file}.
   *
   * @throws HdcFormatException naming the file if it is not an encoder, truncated or corrupted
   */
  public static HdcEncoder load(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in, file.toString());
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HdcEncoder other
        && other.featureDimension == featureDimension
        && other.dimension == dimension
        && other.seed == seed
        && Float.compare(other.threshold, threshold) == 0
        && Arrays.equals(other.center, center);
  }

  @Override
  public int hashCode() {
    return ((31 * featureDimension + dimension) * 31 + Long.hashCode(seed)) * 31
        + Float.hashCode(threshold) * 31 + Arrays.hashCode(center);
  }

  @Override
  public String toString() {
    return "HdcEncoder[" + featureDimension + " -> " + dimension + " bits, seed " + seed
        + (center != null ? ", centred" : "") + ", threshold " + threshold + "]";
  }

  /** Builds an {@link HdcEncoder}; {@code setFeatureDimension} is required. */
  public static final class Builder {
    private int featureDimension;
    private int dimension = DEFAULT_DIMENSION;
    private long seed = DEFAULT_SEED;
    private float threshold;
    private float @Nullable [] center;

    private Builder() {}

    /** Sets the length of the feature vectors (the student's feature width). */
    public Builder setFeatureDimension(int featureDimension) {
      this.featureDimension = featureDimension;
      return this;
    }

    /** Sets the hypervector dimension (default {@link HdcEncoder#DEFAULT_DIMENSION}). */
    public Builder optDimension(int dimension) {
      this.dimension = dimension;
      return this;
    }

    /** Sets the projection seed (default {@link HdcEncoder#DEFAULT_SEED}). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Sets the projection threshold (default 0, right for centred features). */
    public Builder optThreshold(float threshold) {
      this.threshold = threshold;
      return this;
    }

    /**
     * Sets the centre subtracted from each feature vector before projecting (copied), typically the
     * clean-data feature mean; {@code null} (the default) projects features as they are.
     */
    public Builder optCenter(float @Nullable [] center) {
      this.center = center == null ? null : center.clone();
      return this;
    }

    /**
     * Builds the encoder, generating its projection.
     *
     * @throws IllegalArgumentException naming the field if a value is out of range
     */
    public HdcEncoder build() {
      if (featureDimension <= 0) {
        throw new IllegalArgumentException(
            "featureDimension must be positive (the student's feature width), got " + featureDimension);
      }
      if (dimension <= 0) {
        throw new IllegalArgumentException("dimension must be positive, got " + dimension);
      }
      if ((long) featureDimension * dimension > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "featureDimension x dimension = " + featureDimension + " x " + dimension + " is too large");
      }
      if (!Float.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold must be finite, got " + threshold);
      }
      if (center != null) {
        if (center.length != featureDimension) {
          throw new IllegalArgumentException("center has length " + center.length
              + " but featureDimension is " + featureDimension);
        }
        for (int i = 0; i < center.length; i++) {
          if (!Float.isFinite(center[i])) {
            throw new IllegalArgumentException("center[" + i + "] is " + center[i]);
          }
        }
      }
      return new HdcEncoder(featureDimension, dimension, seed, threshold, center);
    }
  }
}
