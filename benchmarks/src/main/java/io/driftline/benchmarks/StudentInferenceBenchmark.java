package io.driftline.benchmarks;

import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Measures student inference per frame: bare ONNX Runtime on a prepared NCHW tensor (the baseline
 * of every ratio) and {@code infer(List<Image>)} with preprocessing, at batch 1 and batch 32, and
 * the preprocessing alone.
 *
 * <p>Batch-32 methods declare 32 operations per call, so every score is microseconds per frame.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class StudentInferenceBenchmark {

  /** Frames per call of the batched methods. */
  static final int BATCH = 32;
  /** Prepared inputs to cycle through. */
  private static final int INPUTS = 8;

  /** Which synthetic student runs. */
  @Param({"nano", "small"})
  public String student;

  private StudentModel model;
  private final List<List<Image>> single = new ArrayList<>();
  private final List<List<Image>> batches = new ArrayList<>();
  private final List<float[]> singleTensors = new ArrayList<>();
  private final List<float[]> batchTensors = new ArrayList<>();
  private int next;

  /** Loads the student and prepares frames and their tensors outside the measured methods. */
  @Setup(Level.Trial)
  public void setUp() {
    model = Fixtures.student(student);
    for (int i = 0; i < INPUTS; i++) {
      List<Image> one = Fixtures.frames(1, 1_000L + i);
      List<Image> many = Fixtures.frames(BATCH, 2_000L + i);
      single.add(one);
      batches.add(many);
      singleTensors.add(model.toTensor(one));
      batchTensors.add(model.toTensor(many));
    }
  }

  /** Releases the ONNX Runtime session. */
  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  private int nextInput() {
    next = (next + 1) % INPUTS;
    return next;
  }

  /** Bare ONNX inference of one prepared frame: the baseline. */
  @Benchmark
  public void bareInferenceBatch1(Blackhole bh) {
    bh.consume(model.inferTensor(singleTensors.get(nextInput()), 1));
  }

  /** Bare ONNX inference of 32 prepared frames in one run, per frame. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void bareInferenceBatch32(Blackhole bh) {
    bh.consume(model.inferTensor(batchTensors.get(nextInput()), BATCH));
  }

  /** Preprocessing alone (conform and normalise one frame into a tensor), without inference. */
  @Benchmark
  public float[] toTensorBatch1() {
    return model.toTensor(single.get(nextInput()));
  }

  /** Inference of one frame from an {@code Image}, including conform and normalisation. */
  @Benchmark
  public void inferImagesBatch1(Blackhole bh) {
    bh.consume(model.infer(single.get(nextInput())));
  }

  /** Inference of 32 frames from {@code Image}s, including preprocessing, per frame. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void inferImagesBatch32(Blackhole bh) {
    bh.consume(model.infer(batches.get(nextInput())));
  }
}
