package io.driftline.benchmarks;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.sampling.Candidate;
import io.driftline.core.sampling.SamplingPolicy;
import io.driftline.core.sampling.Selection;
import io.driftline.core.sampling.UncertaintyGuidedSampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures uncertainty-guided sampling of one window of {@value #WINDOW} candidates with D = 10,000
 * bit hypervectors under the default policy. The score is per window; divide by {@value #WINDOW}
 * for the per-frame share ({@link ReportRatios} does).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SamplingBenchmark {

  /** Candidates per window. */
  static final int WINDOW = 100;
  /** Windows prepared to cycle through, enough that the branch predictor cannot learn them. */
  private static final int WINDOWS = 32;
  /** Upload size of one 28x28 grey frame with a small header. */
  private static final int FRAME_BYTES = 28 * 28 + 64;
  /** Time one window of 100 frames covers at 10 frames per second. */
  private static final Duration WINDOW_DURATION = Duration.ofSeconds(10);

  private final List<List<Candidate>> windows = new ArrayList<>();
  private UncertaintyGuidedSampler sampler;
  private int next;

  /**
   * Prepares windows of candidates with random uncertainty and OOD scores and the codes of random
   * features, and a sampler with the default policy (5 % of frames, 32 KiB/s).
   */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(21L);
    float[][] features = Fixtures.gaussianFeatures(WINDOWS * WINDOW, 64, 22L);
    HdcEncoder encoder =
        Fixtures.encoder(64, HdcEncoder.DEFAULT_DIMENSION, Fixtures.mean(features));
    Hypervector[] codes = Fixtures.encodeAll(encoder, features);
    for (int w = 0; w < WINDOWS; w++) {
      List<Candidate> window = new ArrayList<>(WINDOW);
      for (int i = 0; i < WINDOW; i++) {
        int frame = w * WINDOW + i;
        window.add(new Candidate(
            frame, random.nextDouble(), random.nextDouble(), codes[frame], FRAME_BYTES));
      }
      windows.add(window);
    }
    sampler = new UncertaintyGuidedSampler(SamplingPolicy.defaults());
  }

  /**
   * Selects from one window. The sampler's byte bucket carries over between calls as on a device;
   * it is capped, so every call sees the same steady state.
   */
  @Benchmark
  public Selection selectWindow() {
    next = (next + 1) % WINDOWS;
    return sampler.select(windows.get(next), WINDOW_DURATION);
  }
}
