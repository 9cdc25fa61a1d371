package io.driftline.core.bundle;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds random-weight bundles with a real payload, for tests and benchmarks: a 7x7 visual prompt on
 * one channel and one INT8 adaptor ({@code features -> 16 -> 10}) for domain {@code fog} with its HDC
 * prototype, every weight drawn from the seed (He-normal), so bundles of different seeds differ in
 * every weight. They fit any student with that feature width but have learnt nothing.
 */
public final class SyntheticBundles {

  private SyntheticBundles() {}

  /**
   * Returns the bundle.
   *
   * @param metadata its metadata (id, version, student)
   * @param featureDimension the student's feature width, the adaptor's input
   * @param hdcDimension dimension of the domain prototype (the device's router must use the same)
   * @param seed source of every weight
   */
  public static Bundle random(BundleMetadata metadata, int featureDimension, int hdcDimension, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(featureDimension).optDimension(hdcDimension).build();
    Adaptor adaptor = Adaptor.of(List.of(matrix(16, featureDimension, random), matrix(10, 16, random)),
        List.of(vector(16, random, 0.01), vector(10, random, 0.01)), Precision.INT8, false);
    return Bundle.builder().setMetadata(metadata)
        .optPrompt(new VisualPrompt(new float[] {1.05f}, new float[] {-0.02f}, 7, 7, vector(49, random, 0.05)))
        .optAdaptor(new DomainAdaptor("fog", encoder.encode(vector(featureDimension, random, 1.0)), adaptor))
        .build();
  }

  /** A {@code rows × cols} matrix of He-initialised random weights (std √(2/cols)). */
  public static float[][] matrix(int rows, int cols, SplittableRandom random) {
    float[][] w = new float[rows][];
    for (int r = 0; r < rows; r++) {
      w[r] = vector(cols, random, Math.sqrt(2.0 / cols));
    }
    return w;
  }

  /** A vector of {@code size} Gaussian values with standard deviation {@code std}. */
  public static float[] vector(int size, SplittableRandom random, double std) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) (std * random.nextGaussian());
    }
    return v;
  }
}
