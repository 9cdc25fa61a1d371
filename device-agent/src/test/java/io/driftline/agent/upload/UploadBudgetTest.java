package io.driftline.agent.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.agent.AgentFixtures;
import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.DeviceSampleCodec;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.model.StudentModel;
import io.driftline.core.sampling.SamplingPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over a long run the uploads stay within the frame and byte budgets, and every cut is counted. */
class UploadBudgetTest {

  @TempDir
  Path dir;

  @Test
  void uploadsStayWithinTheFrameAndByteBudgetsOverALongRun() {
    int windowFrames = 100;
    double fps = 10;
    double bytesPerSecond = 1500;
    double carryOverSeconds = 10;
    SamplingPolicy policy = SamplingPolicy.builder().optMaxFrameFraction(0.2).optMaxBytesPerSecond(bytesPerSecond)
        .optMaxCarryOverSeconds(carryOverSeconds).optMinScore(0.0).optDuplicateSimilarity(1.0).build();
    List<DeviceSample> samples = new ArrayList<>();
    List<TelemetryWindow> windows = new ArrayList<>();
    try (StudentModel student = StudentModel.load(AgentFixtures.nanoStudent(dir))) {
      FramePipeline pipeline = new FramePipeline(student,
          new SnapshotFactory(student.featureDimension(), 1024, 0.6, 1 << 20).bare(), 50);
      WindowUploader uploader = new WindowUploader("dev-ugs", "student-nano:1", windowFrames, fps, false, policy,
          student.numClasses(), new WindowUploader.Sink() {
            @Override
            public void sample(DeviceSample sample) {
              samples.add(sample);
            }

            @Override
            public void telemetry(TelemetryWindow window) {
              windows.add(window);
            }

            @Override
            public long takeBufferDrops() {
              return 0;
            }
          }, () -> 0L);
      SplittableRandom random = new SplittableRandom(5);
      int frames = 6_000;
      for (int i = 0; i < frames; i++) {
        uploader.accept(pipeline.process(AgentFixtures.frame(random)));
      }

      double seconds = frames / fps;
      long bytes = samples.stream().mapToLong(DeviceSampleCodec::encodedSize).sum();
      assertThat(windows).hasSize(frames / windowFrames);
      assertThat(samples).isNotEmpty();
      assertThat(bytes).isLessThanOrEqualTo((long) (bytesPerSecond * (seconds + carryOverSeconds)));
      assertThat(bytes).isEqualTo(uploader.uploadedBytes());
      for (TelemetryWindow w : windows) {
        assertThat(w.uploads()).isLessThanOrEqualTo((int) Math.ceil(0.2 * windowFrames));
        assertThat(w.frameCount()).isEqualTo(windowFrames);
        assertThat(w.domainSignature()).isNotNull();
      }
      // Every frame above the minimum score was either uploaded or counted as cut by a budget.
      long uploads = windows.stream().mapToLong(TelemetryWindow::uploads).sum();
      long overBudget = windows.stream().mapToLong(w -> w.dropped().overBudget()).sum();
      assertThat(uploads).isEqualTo(samples.size());
      assertThat(overBudget).isEqualTo(uploader.droppedOverBudget()).isPositive();
      assertThat(uploads + overBudget).isEqualTo(frames);
    }
  }
}
