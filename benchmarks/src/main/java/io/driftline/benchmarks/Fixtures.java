package io.driftline.benchmarks;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.PrototypeMemory;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds the seeded inputs every benchmark shares, so that all of them measure the same setup. */
final class Fixtures {

  /** Seed of the synthetic students' weights. */
  static final long STUDENT_SEED = 42L;
  /**
   * Inputs per fixture; benchmarks cycle through them. 1024 rather than a few dozen because the
   * CPU's branch predictor learns the outcomes of a short cycle: with 64 inputs a D = 512 encoding
   * ran about twice as fast as with 1024 or 4096 distinct ones, faster than any device would see.
   */
  static final int FRAMES = 1024;
  /** Side of the Fashion-MNIST-sized grey frames the students take. */
  static final int SIDE = 28;
  /** Values in one 1x28x28 frame. */
  static final int FRAME_SIZE = SIDE * SIDE;
  /** Classes of the students and adaptors. */
  static final int CLASSES = 10;
  /** Hidden units of the benchmarked adaptors. */
  static final int ADAPTOR_HIDDEN = 32;
  /** Domains installed in the benchmarked router. */
  static final int DOMAINS = 4;

  private Fixtures() {}

  /**
   * Loads a synthetic student ("nano" or "small") with one intra-op thread, so one inference uses
   * one core like every other step of the device path measured here.
   */
  static StudentModel student(String name) {
    byte[] bytes = switch (name) {
      case "nano" -> SyntheticStudents.nano(STUDENT_SEED);
      case "small" -> SyntheticStudents.small(STUDENT_SEED);
      default -> throw new IllegalArgumentException(
          "unknown student '" + name + "'; use nano or small");
    };
    return StudentModel.builder().setModel(bytes, name + ".onnx").optIntraOpThreads(1).build();
  }

  /** Returns {@code count} grey 28x28 frames with uniform random pixels in [0,1]. */
  static List<Image> frames(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Image> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      float[] pixels = new float[FRAME_SIZE];
      for (int j = 0; j < pixels.length; j++) {
        pixels[j] = (float) random.nextDouble();
      }
      frames.add(Image.wrap(1, SIDE, SIDE, pixels));
    }
    return frames;
  }

  /**
   * Runs the student once over {@link #FRAMES} random frames and returns its real outputs, so that
   * the steps after inference see the features and logits of an actual (random-weight) network.
   */
  static StudentOutput studentOutputs(String name) {
    try (StudentModel model = student(name)) {
      return model.infer(frames(FRAMES, 7L));
    }
  }

  /** Returns {@code count} feature vectors of length {@code f} with standard normal entries. */
  static float[][] gaussianFeatures(int count, int f, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] features = new float[count][f];
    for (float[] row : features) {
      for (int j = 0; j < f; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return features;
  }

  /** Returns the per-feature mean, the centre a device would configure on its encoder. */
  static float[] mean(float[][] features) {
    float[] mean = new float[features[0].length];
    for (float[] row : features) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += row[j] / features.length;
      }
    }
    return mean;
  }

  /** Builds the HDC encoder a device would run for features of length {@code f}. */
  static HdcEncoder encoder(int f, int dimension, float[] center) {
    return HdcEncoder.builder()
        .setFeatureDimension(f)
        .optDimension(dimension)
        .optCenter(center)
        .build();
  }

  /** Encodes every feature vector. */
  static Hypervector[] encodeAll(HdcEncoder encoder, float[][] features) {
    Hypervector[] codes = new Hypervector[features.length];
    for (int i = 0; i < features.length; i++) {
      codes[i] = encoder.encode(features[i]);
    }
    return codes;
  }

  /** Bundles the codes round-robin into {@code labels} prototypes named {@code prefix + i}. */
  static PrototypeMemory prototypes(Hypervector[] codes, int labels, String prefix) {
    PrototypeMemory memory = new PrototypeMemory(codes[0].dimension());
    for (int i = 0; i < codes.length; i++) {
      memory.add(prefix + (i % labels), codes[i]);
    }
    return memory;
  }

  /** Builds an adaptor {@code f -> 32 -> 10} with He-normal random weights at one precision. */
  static Adaptor adaptor(int f, Precision precision, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return Adaptor.of(
        List.of(matrix(ADAPTOR_HIDDEN, f, random), matrix(CLASSES, ADAPTOR_HIDDEN, random)),
        List.of(vector(ADAPTOR_HIDDEN, random), vector(CLASSES, random)),
        precision,
        false);
  }

  /**
   * Builds a router with {@link #DOMAINS} domain adaptors whose prototypes bundle the codes
   * round-robin. The threshold is 0, so every frame goes to an adaptor: the dearer of the two
   * routes (the fallback returns the student's logits without computing anything).
   */
  static DomainRouter router(Hypervector[] codes, int f, Precision precision) {
    PrototypeMemory domains = prototypes(codes, DOMAINS, "domain-");
    List<DomainAdaptor> installed = new ArrayList<>();
    int i = 0;
    for (String id : domains.labels()) {
      installed.add(new DomainAdaptor(
          id, domains.prototype(id).orElseThrow(), adaptor(f, precision, 100L + i++)));
    }
    return new DomainRouter(installed, 0.0);
  }

  /**
   * Builds a visual prompt for 1-channel frames whose additive part has {@code h x w} values (28x28
   * is full resolution, smaller sizes are resized once and cached by the prompt).
   */
  static VisualPrompt prompt(int h, int w, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] additive = new float[h * w];
    for (int i = 0; i < additive.length; i++) {
      additive[i] = (float) (0.1 * random.nextGaussian());
    }
    return new VisualPrompt(new float[] {1.1f}, new float[] {-0.05f}, h, w, additive);
  }

  private static float[][] matrix(int rows, int cols, SplittableRandom random) {
    double std = Math.sqrt(2.0 / cols);
    float[][] w = new float[rows][cols];
    for (float[] row : w) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (std * random.nextGaussian());
      }
    }
    return w;
  }

  private static float[] vector(int size, SplittableRandom random) {
    float[] v = new float[size];
    for (int j = 0; j < size; j++) {
      v[j] = (float) (0.01 * random.nextGaussian());
    }
    return v;
  }
}
