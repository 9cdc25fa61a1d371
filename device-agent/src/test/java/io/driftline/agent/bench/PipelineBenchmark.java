package io.driftline.agent.bench;

import io.driftline.agent.AgentFixtures;
import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.agent.upload.WindowUploader;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.core.sampling.SamplingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures the agent's own per-frame path on one core (ONNX Runtime with one intra-op thread, one
 * frame thread). <i>bare ONNX</i> is the student alone on a frame conformed to its input;
 * <i>pipeline only</i> is {@link FramePipeline#process} with a bundle (visual prompt and four INT8
 * domain adaptors) at HDC D = 4096 or D = 1024 (the agent's default); <i>full pipeline</i> adds
 * {@link WindowUploader#accept} (UGS candidates, windows of 100 frames, samples and telemetry built
 * and handed to a sink that drops them). Frames are random 28x28 grey images, so nearly every frame
 * is an upload candidate (a worst case for the uploader). Each of {@value #REPEATS} rounds runs
 * every mode, alternating, over {@value #FRAMES} frames after a warm-up; the table gives medians
 * over the rounds.
 */
public final class PipelineBenchmark {

  static final int FRAMES = 4000;
  static final int WARMUP = 2000;
  static final int REPEATS = 5;

  private PipelineBenchmark() {}

  /** Runs the benchmark, prints a Markdown table and writes it to {@code target/agent-benchmark.md}. */
  public static void run() throws IOException {
    StringBuilder table = new StringBuilder();
    table.append("| student | HDC D | mode | frames/s | p50 µs | p99 µs |\n|---|---|---|---|---|---|\n");
    StringBuilder ratios = new StringBuilder();
    for (String name : List.of("nano", "small")) {
     for (int dimension : new int[] {4096, 1024}) {
      byte[] model = "nano".equals(name) ? SyntheticStudents.nano(7) : SyntheticStudents.small(7);
      try (StudentModel student = StudentModel.builder().setModel(model, "student-" + name)
          .optIntraOpThreads(1).build()) {
        int[] shape = student.inputShape();
        SplittableRandom random = new SplittableRandom(3);
        Image[] frames = new Image[1024];
        for (int i = 0; i < frames.length; i++) {
          frames[i] = AgentFixtures.frame(random);
        }
        SnapshotFactory factory = new SnapshotFactory(student.featureDimension(), dimension, 0.0, 1 << 20);
        Bundle bundle = AgentFixtures.bundle("bench", 1, student.featureDimension(), dimension, 4);
        FramePipeline pipeline = new FramePipeline(student, factory.build(bundle, Map.of()), 500);
        FramePipeline routed = new FramePipeline(student, factory.build(
            AgentFixtures.routedBundle("bench-routed", 1, student.featureDimension(), dimension, 4), Map.of()), 500);
        WindowUploader uploader = uploader(name, student.numClasses());
        WindowUploader routedUploader = uploader(name, student.numClasses());
        Runnable[] modes = new Runnable[5];
        int[] next = new int[1];
        modes[0] = () -> student.infer(ImageOps.conform(frames[next[0]++ & 1023], shape[0], shape[1], shape[2]));
        modes[1] = () -> uploader.accept(pipeline.process(frames[next[0]++ & 1023]));
        modes[2] = () -> pipeline.process(frames[next[0]++ & 1023]);
        modes[3] = () -> routedUploader.accept(routed.process(frames[next[0]++ & 1023]));
        modes[4] = () -> routed.process(frames[next[0]++ & 1023]);
        double[][] fps = new double[modes.length][REPEATS];
        double[][] p50 = new double[modes.length][REPEATS];
        double[][] p99 = new double[modes.length][REPEATS];
        for (int m = 0; m < modes.length; m++) {
          measure(modes[m], WARMUP);
        }
        for (int r = 0; r < REPEATS; r++) {
          for (int m = 0; m < modes.length; m++) {
            long[] nanos = measure(modes[m], FRAMES);
            fps[m][r] = FRAMES / (Arrays.stream(nanos).sum() / 1e9);
            Arrays.sort(nanos);
            p50[m][r] = nanos[FRAMES / 2] / 1e3;
            p99[m][r] = nanos[(int) (FRAMES * 0.99)] / 1e3;
          }
        }
        String[] labels = {"bare ONNX", "full pipeline (v1 bundle)", "pipeline only (v1 bundle)",
            "full pipeline (v2 raw routing)", "pipeline only (v2 raw routing)"};
        for (int m = 0; m < modes.length; m++) {
          table.append(String.format("| %s | %d | %s | %.0f | %.0f | %.0f |%n", name, dimension, labels[m], median(fps[m]),
              median(p50[m]), median(p99[m])));
        }
        ratios.append(String.format("%s, D=%d: full / bare throughput = %.2f (v1 bundle), %.2f (v2 raw routing, %s of"
            + " frames routed to a domain); pipeline only / bare = %.2f (v1), %.2f (v2)%n", name, dimension,
            median(fps[1]) / median(fps[0]), median(fps[3]) / median(fps[0]), routed.routeCounts(),
            median(fps[2]) / median(fps[0]), median(fps[4]) / median(fps[0])));
      }
     }
    }
    String report = table + "\n" + ratios;
    System.out.println(report);
    Path out = Path.of("target", "agent-benchmark.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  private static WindowUploader uploader(String name, int classes) {
    return new WindowUploader("bench-device", "student-" + name, 100, 10, true,
            SamplingPolicy.defaults(), classes, new WindowUploader.Sink() {
              @Override
              public void sample(DeviceSample sample) {}

              @Override
              public void telemetry(TelemetryWindow window) {}

              @Override
              public long takeBufferDrops() {
                return 0;
              }
            }, System::currentTimeMillis);
  }

  private static long[] measure(Runnable mode, int frames) {
    long[] nanos = new long[frames];
    for (int i = 0; i < frames; i++) {
      long start = System.nanoTime();
      mode.run();
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Runs the benchmark. */
  public static void main(String[] args) throws IOException {
    run();
  }

}
