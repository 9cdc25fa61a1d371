package io.driftline.benchmarks;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.image.Image;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainRouter;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures applying an update per frame: the visual prompt on a 1x28x28 frame, one adaptor's
 * forward pass (F -> 32 -> 10) at each precision, and routing among 4 domain adaptors.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class UpdateBenchmark {

  /** A prompt, source frames and the frame buffer it is applied to. */
  @State(Scope.Thread)
  public static class Prompting {

    /** Side of the additive prompt: 28 is full resolution, 7 a low-resolution prompt. */
    @Param({"28", "7"})
    public int promptSide;

    VisualPrompt prompt;
    float[][] frames;
    final float[] buffer = new float[Fixtures.FRAME_SIZE];
    private int next;

    /** Builds the prompt and warms its resize cache, as the first frame on a device does. */
    @Setup(Level.Trial)
    public void setUp() {
      prompt = Fixtures.prompt(promptSide, promptSide, 31L);
      List<Image> images = Fixtures.frames(Fixtures.FRAMES, 32L);
      frames = new float[images.size()][];
      for (int i = 0; i < frames.length; i++) {
        frames[i] = images.get(i).pixels();
      }
      prompt.applyInPlace(buffer.clone(), 1, Fixtures.SIDE, Fixtures.SIDE);
    }

    float[] nextFrame() {
      next = (next + 1) % frames.length;
      return frames[next];
    }
  }

  /** One adaptor and feature vectors to run it on. */
  @State(Scope.Thread)
  public static class Adapting {

    /** Feature dimension F: 16 for the nano student, 128 for the small one. */
    @Param({"16", "128"})
    public int featureDimension;

    /** Weight precision of the adaptor. */
    @Param({"FP32", "INT8", "BINARY"})
    public Precision precision;

    Adaptor adaptor;
    float[][] features;
    float[][] logits;
    private int next;

    /** Builds a random F -> 32 -> 10 adaptor and ReLU-like (non-negative) features. */
    @Setup(Level.Trial)
    public void setUp() {
      adaptor = Fixtures.adaptor(featureDimension, precision, 41L);
      features = nonNegative(Fixtures.gaussianFeatures(Fixtures.FRAMES, featureDimension, 42L));
      logits = Fixtures.gaussianFeatures(Fixtures.FRAMES, Fixtures.CLASSES, 43L);
    }

    int nextIndex() {
      next = (next + 1) % features.length;
      return next;
    }
  }

  /** A router with 4 INT8 domain adaptors, and frames (features, logits, code) to route. */
  @State(Scope.Thread)
  public static class Routing {

    /** Feature dimension F: 16 for the nano student, 128 for the small one. */
    @Param({"16", "128"})
    public int featureDimension;

    DomainRouter router;
    float[][] features;
    float[][] logits;
    Hypervector[] codes;
    private int next;

    /** Encodes the features with D = 10,000 and bundles their codes into 4 domain prototypes. */
    @Setup(Level.Trial)
    public void setUp() {
      features = nonNegative(Fixtures.gaussianFeatures(Fixtures.FRAMES, featureDimension, 51L));
      logits = Fixtures.gaussianFeatures(Fixtures.FRAMES, Fixtures.CLASSES, 52L);
      HdcEncoder encoder = Fixtures.encoder(
          featureDimension, HdcEncoder.DEFAULT_DIMENSION, Fixtures.mean(features));
      codes = Fixtures.encodeAll(encoder, features);
      router = Fixtures.router(codes, featureDimension, Precision.INT8);
    }

    int nextIndex() {
      next = (next + 1) % features.length;
      return next;
    }
  }

  private static float[][] nonNegative(float[][] values) {
    for (float[] row : values) {
      for (int j = 0; j < row.length; j++) {
        row[j] = Math.abs(row[j]);
      }
    }
    return values;
  }

  /**
   * Copies a frame into the device's buffer and applies the prompt in place; the copy stands for
   * the frame arriving in that buffer and is part of the measured cost.
   */
  @Benchmark
  public float[] promptApplyInPlace(Prompting state) {
    System.arraycopy(state.nextFrame(), 0, state.buffer, 0, Fixtures.FRAME_SIZE);
    state.prompt.applyInPlace(state.buffer, 1, Fixtures.SIDE, Fixtures.SIDE);
    return state.buffer;
  }

  /** One adaptor forward pass from features to 10 logits. */
  @Benchmark
  public float[] adaptorForward(Adapting state) {
    int i = state.nextIndex();
    return state.adaptor.apply(state.features[i], state.logits[i]);
  }

  /** Routes one frame among 4 domains (Hamming similarity) and runs the chosen adaptor. */
  @Benchmark
  public DomainRouter.Routed routeAndAdapt(Routing state) {
    int i = state.nextIndex();
    return state.router.apply(state.codes[i], state.features[i], state.logits[i]);
  }
}
