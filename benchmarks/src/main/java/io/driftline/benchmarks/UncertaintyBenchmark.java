package io.driftline.benchmarks;

import io.driftline.core.model.StudentOutput;
import io.driftline.core.uncertainty.Logits;
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

/** Measures the uncertainty readings of one frame's 10 logits: entropy, margin and energy. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class UncertaintyBenchmark {

  private float[][] logits;
  private int next;

  /** Takes the logits the nano student gives for random frames. */
  @Setup(Level.Trial)
  public void setUp() {
    StudentOutput outputs = Fixtures.studentOutputs("nano");
    logits = outputs.logits();
  }

  private float[] nextLogits() {
    next = (next + 1) % logits.length;
    return logits[next];
  }

  /** Normalised softmax entropy. */
  @Benchmark
  public double normalizedEntropy() {
    return Logits.normalizedEntropy(nextLogits());
  }

  /** Top-1 minus top-2 softmax probability. */
  @Benchmark
  public double margin() {
    return Logits.margin(nextLogits());
  }

  /** Energy, {@code -logsumexp(logits)}. */
  @Benchmark
  public double energy() {
    return Logits.energy(nextLogits());
  }
}
