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
 * <p>{@code R} is a structured random sign matrix (a randomized Hadamard transform): with {@code P}
 * the feature dimension rounded up to a power of two, output bit {@code d = k * P + r} belongs to
 * block {@code k} and row {@code r}, and {@code R[f][d] = H[r][f] * s_k[f]}, where
 * {@code H[r][f] = (-1)^popcount(r & f)} is the Sylvester-Hadamard matrix and {@code s_k} are random
 * signs: bit {@code f % 64} of the {@code (k * ceil(P/64) + f / 64)}-th output of SplitMix64 seeded
 * with {@code seed}, set meaning {@code +1}. Each column of {@code R} is therefore a uniformly random
 * sign vector, as for a dense random projection, while the rows of one block are orthogonal, which
 * only lowers the variance of the angle estimate. So the seed, the dimensions, the centre and the
 * threshold are all a stored encoder needs.
 *
 * <p>Centring matters: sign projections of uncentred non-negative (ReLU) features share the common
 * component {@code R·mean}, which pushes every code towards the same pattern, so unrelated inputs look
 * similar (Hamming similarity well above 0.5). Subtracting the clean-data mean restores the
 * {@code 1 - angle/pi} similarity of random hyperplanes.
 *
 * <p>The structure is for speed on a device: one block costs a sign flip and a fast
 * Walsh-Hadamard transform, {@code P log2 P} additions for {@code P} bits, instead of {@code P * F}
 * multiply-adds, and the signs take {@code D} floats. Instances are immutable and thread-safe.
 */
public final class HdcEncoder {

  /** Default hypervector dimension: large enough that random codes concentrate tightly at 0.5. */
  public static final int DEFAULT_DIMENSION = 10_000;

  /** Largest feature dimension an encoder accepts (the student's feature width). */
  public static final int MAX_FEATURE_DIMENSION = 1 << 16;

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
  /** Block size: the feature dimension rounded up to a power of two. */
  private final int blockSize;
  private final int blocks;
  /**
   * {@code signs[f][k]} is {@code s_k[f]}, {@code +1} or {@code -1}; zero for padding. Feature-major,
   * so that every step of {@link #project} is a loop over blocks that the JIT can vectorise.
   */
  private final float[][] signs;

  private HdcEncoder(int featureDimension, int dimension, long seed, float threshold, float @Nullable [] center) {
    this.featureDimension = featureDimension;
    this.dimension = dimension;
    this.seed = seed;
    // +0.0f turns a -0.0 threshold into +0.0 so that equal settings store and compare equal.
    this.threshold = threshold + 0.0f;
    this.center = center;
    this.blockSize = Integer.highestOneBit(featureDimension) == featureDimension
        ? featureDimension : Integer.highestOneBit(featureDimension) << 1;
    this.blocks = (dimension + blockSize - 1) / blockSize;
    this.signs = new float[blockSize][blocks];
    SplitMix64 random = new SplitMix64(seed);
    int wordsPerBlock = (blockSize + 63) / 64;
    for (int k = 0; k < blocks; k++) {
      for (int w = 0; w < wordsPerBlock; w++) {
        long word = random.nextLong();
        for (int i = 0; i < 64 && 64 * w + i < blockSize; i++) {
          int f = 64 * w + i;
          if (f < featureDimension) {
            signs[f][k] = (word >>> i & 1L) != 0 ? 1f : -1f;
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
    float[] x = new float[blockSize];
    for (int f = 0; f < featureDimension; f++) {
      float v = features[f];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("features[" + f + "] is " + v);
      }
      x[f] = center != null ? v - center[f] : v;
    }
    return new Hypervector(dimension, project(x, signs, blockSize, blocks, threshold, dimension));
  }

  /**
   * Transforms all blocks at once: row {@code f} of the work matrix holds feature {@code f} of every
   * block, so the sign flip and each Walsh-Hadamard butterfly are loops over blocks, then one bit
   * per (row, block) is packed. A static method with everything in locals is what the JIT compiles
   * best.
   */
  private static long[] project(
      float[] x, float[][] signs, int blockSize, int blocks, float threshold, int dimension) {
    float[][] rows = new float[blockSize][];
    for (int f = 0; f < blockSize; f++) {
      float[] sign = signs[f];
      float[] row = new float[blocks];
      float xf = x[f];
      for (int k = 0; k < blocks; k++) {
        row[k] = xf * sign[k];
      }
      rows[f] = row;
    }
    for (int half = 1; half < blockSize; half <<= 1) {
      for (int start = 0; start < blockSize; start += half << 1) {
        for (int i = start, end = start + half; i < end; i++) {
          butterfly(rows[i], rows[i + half], blocks);
        }
      }
    }
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int r = 0; r < blockSize; r++) {
      float[] row = rows[r];
      int lastBlock = Math.min(blocks, (dimension - r + blockSize - 1) / blockSize);
      if (blockSize >= 64) {
        // Whole words per block: row r always lands in the same word of a block at the same shift.
        int wordsPerBlock = blockSize >>> 6;
        int offset = r >>> 6;
        int shift = r & 63;
        for (int k = 0; k < lastBlock; k++) {
          words[k * wordsPerBlock + offset] |=
              (long) (Float.floatToRawIntBits(threshold - row[k]) >>> 31) << shift;
        }
        continue;
      }
      for (int k = 0; k < lastBlock; k++) {
        int d = k * blockSize + r;
        // Branch-free "row[k] > threshold": the sign bit of (threshold - row[k]). Real codes are a
        // coin flip per bit, so a branch here would be mispredicted half the time.
        words[d >>> 6] |= (long) (Float.floatToRawIntBits(threshold - row[k]) >>> 31) << (d & 63);
      }
    }
    return words;
  }

  /** One Walsh-Hadamard butterfly for every block: {@code (a, b) <- (a + b, a - b)}. */
  private static void butterfly(float[] a, float[] b, int blocks) {
    for (int k = 0; k < blocks; k++) {
      float p = a[k];
      float q = b[k];
      a[k] = p + q;
      b[k] = p - q;
    }
  }

  /** Returns {@code R[feature][bit]}, {@code +1} or {@code -1}; for inspection and tests. */
  public int projectionSign(int feature, int bit) {
    if (feature < 0 || feature >= featureDimension || bit < 0 || bit >= dimension) {
      throw new IndexOutOfBoundsException(
          "R[" + feature + "][" + bit + "] outside " + featureDimension + " x " + dimension);
    }
    int row = bit % blockSize;
    int hadamard = (Integer.bitCount(row & feature) & 1) == 0 ? 1 : -1;
    return hadamard * (int) signs[feature][bit / blockSize];
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
      if (featureDimension > MAX_FEATURE_DIMENSION) {
        throw new IllegalArgumentException(
            "featureDimension must be at most " + MAX_FEATURE_DIMENSION + ", got " + featureDimension);
      }
      if (dimension <= 0 || dimension > Hypervector.MAX_DIMENSION) {
        throw new IllegalArgumentException(
            "dimension must be 1.." + Hypervector.MAX_DIMENSION + ", got " + dimension);
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
