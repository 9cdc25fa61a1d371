package io.driftline.benchmarks;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.OodScorer;
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
 * Measures the HDC steps per frame: encoding a feature vector of length F into D bits, the OOD
 * score against 10 class prototypes, and both together.
 *
 * <p>F = 64 and F = 128 are the nano and small students' feature dimensions; F = 16 shows a
 * student with few features.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HdcBenchmark {

  /** An encoder for F features, its inputs and an OOD scorer of the same dimension. */
  @State(Scope.Thread)
  public static class Encoding {

    /** Feature dimension F. */
    @Param({"16", "64", "128"})
    public int featureDimension;

    /** Hypervector dimension D. */
    @Param({"10000"})
    public int dimension;

    HdcEncoder encoder;
    OodScorer scorer;
    float[][] features;
    private int next;

    /** Builds the encoder (centred on the inputs' mean) and 10 class prototypes. */
    @Setup(Level.Trial)
    public void setUp() {
      features = Fixtures.gaussianFeatures(Fixtures.FRAMES, featureDimension, 11L);
      encoder = Fixtures.encoder(featureDimension, dimension, Fixtures.mean(features));
      Hypervector[] codes = Fixtures.encodeAll(encoder, features);
      scorer = new OodScorer(Fixtures.prototypes(codes, Fixtures.CLASSES, "class-"));
    }

    float[] nextFeatures() {
      next = (next + 1) % features.length;
      return features[next];
    }
  }

  /** Ten class prototypes of D = 10,000 bits and frame codes to score against them. */
  @State(Scope.Thread)
  public static class Scoring {

    OodScorer scorer;
    Hypervector[] codes;
    private int next;

    /** Encodes random 64-d features and bundles them into 10 class prototypes. */
    @Setup(Level.Trial)
    public void setUp() {
      float[][] features = Fixtures.gaussianFeatures(Fixtures.FRAMES, 64, 12L);
      HdcEncoder encoder =
          Fixtures.encoder(64, HdcEncoder.DEFAULT_DIMENSION, Fixtures.mean(features));
      codes = Fixtures.encodeAll(encoder, features);
      scorer = new OodScorer(Fixtures.prototypes(codes, Fixtures.CLASSES, "class-"));
    }

    Hypervector nextCode() {
      next = (next + 1) % codes.length;
      return codes[next];
    }
  }

  /** Encodes one feature vector. */
  @Benchmark
  public Hypervector encode(Encoding state) {
    return state.encoder.encode(state.nextFeatures());
  }

  /** Scores one frame code against 10 class prototypes (nearest prototype by Hamming distance). */
  @Benchmark
  public double oodScore(Scoring state) {
    return state.scorer.score(state.nextCode());
  }

  /** Encodes one feature vector and scores it: the HDC cost of one frame. */
  @Benchmark
  public double encodeAndOodScore(Encoding state) {
    return state.scorer.score(state.encoder.encode(state.nextFeatures()));
  }
}
