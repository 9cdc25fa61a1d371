package io.driftline.core.update;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.PrototypeMemory;
import io.driftline.core.image.Image;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides a frame's domain from the <em>raw</em> frame, before any prompt or student runs: a small,
 * mostly class-invariant descriptor of the frame's pixel statistics ({@link #describe}), standardised
 * with the bundle's mean and scale, encoded by an {@link HdcEncoder} and compared with a source
 * prototype and the domains' prototypes (see {@link FrameRouter}).
 *
 * <p>The descriptor is {@value #DESCRIPTOR_LENGTH} numbers over all pixels of all channels (values in
 * Driftline's [0,1] space): mean, standard deviation, the 5/25/50/75/95 % quantiles (to 1/256), mean absolute
 * horizontal and vertical differences, mean absolute 4-neighbour Laplacian, Laplacian over gradient
 * energy (noise against edges), the fractions of pixels at or below 0.02 and at or above 0.98, the
 * mean and standard deviation of the 3-pixel border, and a constant 1. A corruption moves these much
 * more than a change of class does, and computing them costs three passes over the frame's pixels,
 * far less than the student.
 *
 * <p>Why the constant: the encoder's bits are signs of random projections, which see a vector's
 * direction, not its length. Standardised on the source frames, a clean frame's descriptor is near
 * the origin and its direction is noise, so clean frames would scatter over the hypersphere and a
 * source prototype could not capture them. The constant entry, scaled by the {@code bias}, gives
 * every bit a random offset: near the origin every frame gets the same code (the source prototype),
 * and only a descriptor several standard deviations away flips bits by its direction.
 *
 * <p>Instances are immutable and safe to share between threads; equality is by value.
 */
public final class FrameRouting {

  /** Numbers in a raw frame descriptor. */
  public static final int DESCRIPTOR_LENGTH = 16;

  /** Default offset of the constant descriptor entry, in source standard deviations. */
  public static final double DEFAULT_BIAS = 4;

  /** Width in pixels of the border whose statistics the descriptor holds. */
  static final int BORDER = 3;

  private static final double[] QUANTILES = {0.05, 0.25, 0.5, 0.75, 0.95};
  private static final int HISTOGRAM_BINS = 256;
  private static final float DARK = 0.02f;
  private static final float BRIGHT = 0.98f;

  private final float[] mean;
  private final float[] scale;
  private final HdcEncoder encoder;
  private final Hypervector sourcePrototype;
  private final double margin;

  /**
   * Creates a routing.
   *
   * @param mean per-descriptor-entry mean subtracted before encoding ({@value #DESCRIPTOR_LENGTH} values)
   * @param scale per-entry factor applied after the mean (typically 1 / standard deviation)
   * @param encoder encodes standardised descriptors ({@value #DESCRIPTOR_LENGTH} features)
   * @param sourcePrototype the source domain's prototype: frames closest to it keep the bare student
   * @param margin how much more similar than the source prototype a domain's prototype must be for
   *     the frame to go to that domain, in [0,1)
   * @throws IllegalArgumentException if a length, dimension or value is wrong
   */
  public FrameRouting(float[] mean, float[] scale, HdcEncoder encoder, Hypervector sourcePrototype, double margin) {
    if (mean.length != DESCRIPTOR_LENGTH || scale.length != DESCRIPTOR_LENGTH) {
      throw new IllegalArgumentException("frame routing needs " + DESCRIPTOR_LENGTH + " mean and scale values, got "
          + mean.length + " and " + scale.length);
    }
    for (int i = 0; i < DESCRIPTOR_LENGTH; i++) {
      if (!Float.isFinite(mean[i]) || !Float.isFinite(scale[i])) {
        throw new IllegalArgumentException("frame routing mean[" + i + "] = " + mean[i] + ", scale[" + i + "] = "
            + scale[i] + "; values must be finite");
      }
    }
    if (encoder.featureDimension() != DESCRIPTOR_LENGTH) {
      throw new IllegalArgumentException("frame routing encoder takes " + encoder.featureDimension()
          + " features but the raw descriptor has " + DESCRIPTOR_LENGTH);
    }
    if (sourcePrototype.dimension() != encoder.dimension()) {
      throw new IllegalArgumentException("source prototype has " + sourcePrototype.dimension()
          + " bits but the routing encoder makes " + encoder.dimension());
    }
    if (!(margin >= 0 && margin < 1)) {
      throw new IllegalArgumentException("routing margin must be in [0,1), got " + margin);
    }
    this.mean = mean.clone();
    this.scale = scale.clone();
    this.encoder = encoder;
    this.sourcePrototype = sourcePrototype;
    this.margin = margin;
  }

  /**
   * Fits a routing with the default bias: mean and scale standardise the descriptors of
   * {@code fitFrames} (the pipeline passes the source frames, so a clean frame sits near the
   * origin), the constant entry gets scale {@link #DEFAULT_BIAS}, and the source prototype bundles
   * the codes of {@code sourceFrames}.
   *
   * @param fitFrames frames whose descriptors set the standardisation (at least 2)
   * @param sourceFrames frames of the source domain (at least 1)
   * @param dimension hypervector bits
   * @param seed the encoder's projection seed
   * @param margin see the constructor
   */
  public static FrameRouting fit(
      List<Image> fitFrames, List<Image> sourceFrames, int dimension, long seed, double margin) {
    return fit(fitFrames, sourceFrames, dimension, seed, margin, DEFAULT_BIAS);
  }

  /**
   * Fits a routing as {@link #fit(List, List, int, long, double)} does, with the constant entry's
   * offset {@code bias} (in standard deviations of the fitted frames).
   */
  public static FrameRouting fit(
      List<Image> fitFrames, List<Image> sourceFrames, int dimension, long seed, double margin, double bias) {
    if (fitFrames.size() < 2 || sourceFrames.isEmpty()) {
      throw new IllegalArgumentException("fitting a frame routing needs at least 2 frames and 1 source frame, got "
          + fitFrames.size() + " and " + sourceFrames.size());
    }
    double[] sum = new double[DESCRIPTOR_LENGTH];
    double[] squares = new double[DESCRIPTOR_LENGTH];
    for (Image frame : fitFrames) {
      float[] d = describe(frame);
      for (int i = 0; i < DESCRIPTOR_LENGTH; i++) {
        sum[i] += d[i];
        squares[i] += (double) d[i] * d[i];
      }
    }
    float[] mean = new float[DESCRIPTOR_LENGTH];
    float[] scale = new float[DESCRIPTOR_LENGTH];
    int n = fitFrames.size();
    for (int i = 0; i < DESCRIPTOR_LENGTH; i++) {
      double m = sum[i] / n;
      double variance = Math.max(0, squares[i] / n - m * m);
      mean[i] = (float) m;
      scale[i] = (float) (1 / Math.max(1e-6, Math.sqrt(variance)));
    }
    mean[DESCRIPTOR_LENGTH - 1] = 0;
    scale[DESCRIPTOR_LENGTH - 1] = (float) bias;
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(DESCRIPTOR_LENGTH).optDimension(dimension)
        .optSeed(seed).build();
    Hypervector placeholder = new Hypervector(dimension, new long[Hypervector.wordsFor(dimension)]);
    FrameRouting unfitted = new FrameRouting(mean, scale, encoder, placeholder, margin);
    return new FrameRouting(mean, scale, encoder, unfitted.prototype(sourceFrames), margin);
  }

  /**
   * The raw descriptor of a frame ({@value #DESCRIPTOR_LENGTH} numbers, see the class comment).
   * Frames smaller than 2×2 pixels have zero difference and Laplacian terms.
   */
  public static float[] describe(Image frame) {
    float[] pixels = frame.pixels();
    int n = pixels.length;
    double sum = 0;
    double squares = 0;
    int dark = 0;
    int bright = 0;
    for (float p : pixels) {
      sum += p;
      squares += (double) p * p;
      dark += p <= DARK ? 1 : 0;
      bright += p >= BRIGHT ? 1 : 0;
    }
    double mean = sum / n;
    float[] d = new float[DESCRIPTOR_LENGTH];
    d[15] = 1;
    d[0] = (float) mean;
    d[1] = (float) Math.sqrt(Math.max(0, squares / n - mean * mean));
    // quantiles from a 256-bin histogram (the centre of the bin holding the rank): a counting pass
    // instead of sorting the frame, which alone would cost about as much as the rest of the route
    int[] histogram = new int[HISTOGRAM_BINS];
    for (float p : pixels) {
      histogram[Math.max(0, Math.min(HISTOGRAM_BINS - 1, (int) (p * HISTOGRAM_BINS)))]++;
    }
    int bin = 0;
    int below = 0;
    for (int q = 0; q < QUANTILES.length; q++) {
      long rank = Math.round(QUANTILES[q] * (n - 1));
      while (below + histogram[bin] <= rank) {
        below += histogram[bin++];
      }
      d[2 + q] = (bin + 0.5f) / HISTOGRAM_BINS;
    }
    int h = frame.height();
    int w = frame.width();
    double dx = 0;
    double dy = 0;
    double laplacian = 0;
    double borderSum = 0;
    double borderSquares = 0;
    long dxCount = 0;
    long dyCount = 0;
    long lapCount = 0;
    long borderCount = 0;
    // one branch-free loop per sum (each sum still adds in row-major order, so the values are those of
    // a single loop with a condition per term): about a third of the cost on the device
    for (int c = 0; c < frame.channels(); c++) {
      int base = c * h * w;
      for (int y = 0; y < h; y++) {
        int row = base + y * w;
        for (int x = 0; x + 1 < w; x++) {
          dx += Math.abs(pixels[row + x + 1] - pixels[row + x]);
        }
        dxCount += Math.max(0, w - 1);
      }
      for (int y = 0; y + 1 < h; y++) {
        int row = base + y * w;
        for (int x = 0; x < w; x++) {
          dy += Math.abs(pixels[row + w + x] - pixels[row + x]);
        }
        dyCount += w;
      }
      for (int y = 1; y + 1 < h; y++) {
        int row = base + y * w;
        for (int x = 1; x + 1 < w; x++) {
          laplacian += Math.abs(pixels[row + x - 1] + pixels[row + x + 1]
              + pixels[row - w + x] + pixels[row + w + x] - 4 * pixels[row + x]);
          lapCount++;
        }
      }
      for (int y = 0; y < h; y++) {
        int row = base + y * w;
        boolean wholeRow = y < BORDER || y >= h - BORDER;
        int left = wholeRow ? w : Math.min(BORDER, w);
        for (int x = 0; x < left; x++) {
          float v = pixels[row + x];
          borderSum += v;
          borderSquares += (double) v * v;
        }
        for (int x = Math.max(left, w - BORDER); x < w; x++) {
          float v = pixels[row + x];
          borderSum += v;
          borderSquares += (double) v * v;
        }
        borderCount += left + (w - Math.max(left, w - BORDER));
      }
    }
    d[7] = (float) (dxCount == 0 ? 0 : dx / dxCount);
    d[8] = (float) (dyCount == 0 ? 0 : dy / dyCount);
    d[9] = (float) (lapCount == 0 ? 0 : laplacian / lapCount);
    d[10] = (float) (d[9] / (d[7] + d[8] + 1e-3));
    d[11] = (float) dark / n;
    d[12] = (float) bright / n;
    double borderMean = borderSum / borderCount;
    d[13] = (float) borderMean;
    d[14] = (float) Math.sqrt(Math.max(0, borderSquares / borderCount - borderMean * borderMean));
    return d;
  }

  /** The frame's routing code: its standardised descriptor encoded by {@link #encoder()}. */
  public Hypervector encode(Image frame) {
    float[] d = describe(frame);
    for (int i = 0; i < DESCRIPTOR_LENGTH; i++) {
      d[i] = (d[i] - mean[i]) * scale[i];
    }
    return encoder.encode(d);
  }

  /**
   * The prototype of a set of frames: the majority bundle of their codes ({@link PrototypeMemory}).
   *
   * @throws IllegalArgumentException if {@code frames} is empty
   */
  public Hypervector prototype(List<Image> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a routing prototype needs at least one frame");
    }
    PrototypeMemory memory = new PrototypeMemory(encoder.dimension());
    for (Image frame : frames) {
      memory.add("domain", encode(frame));
    }
    return memory.prototype("domain").orElseThrow();
  }

  /** Per-entry mean subtracted before encoding (a copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** Per-entry factor applied after the mean (a copy). */
  public float[] scale() {
    return scale.clone();
  }

  /** The encoder of standardised descriptors. */
  public HdcEncoder encoder() {
    return encoder;
  }

  /** The source domain's prototype. */
  public Hypervector sourcePrototype() {
    return sourcePrototype;
  }

  /** How much more similar than the source a domain must be to be chosen. */
  public double margin() {
    return margin;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FrameRouting r
        && Arrays.equals(mean, r.mean)
        && Arrays.equals(scale, r.scale)
        && encoder.equals(r.encoder)
        && sourcePrototype.equals(r.sourcePrototype)
        && Double.compare(margin, r.margin) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(scale)) + sourcePrototype.hashCode();
  }

  @Override
  public String toString() {
    return "FrameRouting[" + encoder.dimension() + " bits, margin " + margin + "]";
  }
}
