package io.driftline.benchmarks;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.OodScorer;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.uncertainty.Logits;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Measures everything the device path adds to one frame apart from ONNX inference: visual prompt,
 * uncertainty (normalised entropy, margin, energy), HDC encode, OOD score against 10 class
 * prototypes, routing among 4 domains and the chosen INT8 adaptor (F -> 32 -> 10).
 *
 * <p>The features and logits are the student's real outputs for random frames, computed once in
 * the setup; ONNX inference itself is measured by {@link StudentInferenceBenchmark}, and the
 * per-window sampler by {@link SamplingBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class DevicePathBenchmark {

  /** Which synthetic student's features (F = 64 for nano, 128 for small) the path works on. */
  @Param({"nano", "small"})
  public String student;

  /**
   * Hypervector dimension D: 10,000 is the default; the smaller values show what a device saves by
   * giving up resolution (the spread of an unrelated similarity is {@code sqrt(0.25 / D)}).
   */
  @Param({"10000", "4096", "2048", "1024", "512"})
  public int dimension;

  private float[][] frames;
  private float[][] features;
  private float[][] logits;
  private final float[] buffer = new float[Fixtures.FRAME_SIZE];
  private VisualPrompt prompt;
  private HdcEncoder encoder;
  private OodScorer ood;
  private DomainRouter router;
  private int next;

  /** Runs the student once for its outputs, then builds the prompt, encoder, prototypes and router. */
  @Setup(Level.Trial)
  public void setUp() {
    StudentOutput outputs = Fixtures.studentOutputs(student);
    features = outputs.features();
    logits = outputs.logits();
    List<Image> images = Fixtures.frames(Fixtures.FRAMES, 61L);
    frames = new float[images.size()][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = images.get(i).pixels();
    }
    int f = features[0].length;
    prompt = Fixtures.prompt(Fixtures.SIDE, Fixtures.SIDE, 62L);
    encoder = Fixtures.encoder(f, dimension, Fixtures.mean(features));
    Hypervector[] codes = Fixtures.encodeAll(encoder, features);
    ood = new OodScorer(Fixtures.prototypes(codes, Fixtures.CLASSES, "class-"));
    router = Fixtures.router(codes, f, Precision.INT8);
  }

  /** Runs one frame through every device-side step except the ONNX inference. */
  @Benchmark
  public void devicePathWithoutInference(Blackhole bh) {
    next = (next + 1) % frames.length;
    System.arraycopy(frames[next], 0, buffer, 0, Fixtures.FRAME_SIZE);
    prompt.applyInPlace(buffer, 1, Fixtures.SIDE, Fixtures.SIDE);
    bh.consume(buffer);
    float[] frameFeatures = features[next];
    float[] frameLogits = logits[next];
    bh.consume(Logits.normalizedEntropy(frameLogits));
    bh.consume(Logits.margin(frameLogits));
    bh.consume(Logits.energy(frameLogits));
    Hypervector code = encoder.encode(frameFeatures);
    bh.consume(ood.score(code));
    bh.consume(router.apply(code, frameFeatures, frameLogits));
  }
}
