package io.driftline.agent.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.agent.pipeline.FrameResult;
import io.driftline.core.events.DeviceSample;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.image.Image;
import io.driftline.core.sampling.SamplingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The upload quota is a share of the window's frames, as {@link SamplingPolicy} documents, not of the
 * frames that pass the minimum score.
 */
class UploadQuotaTest {

  private static List<DeviceSample> run(double budget, int passing) {
    SamplingPolicy policy = SamplingPolicy.builder().optMaxFrameFraction(budget).optMinScore(0.1)
        .optDuplicateSimilarity(1.0).build();
    List<DeviceSample> samples = new ArrayList<>();
    WindowUploader uploader = new WindowUploader("dev-quota", "student-nano:1", 100, 10, false, policy, 10,
        new WindowUploader.Sink() {
          @Override
          public void sample(DeviceSample sample) {
            samples.add(sample);
          }

          @Override
          public void telemetry(TelemetryWindow window) {}

          @Override
          public long takeBufferDrops() {
            return 0;
          }
        }, () -> 0L);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 100; i++) {
      long[] words = new long[Hypervector.wordsFor(256)];
      for (int w = 0; w < words.length; w++) {
        words[w] = random.nextLong();
      }
      // the first `passing` frames score 0.9 x 1.0, the others 0.01 x 1.0, below the minimum 0.1
      double uncertainty = i < passing ? 0.9 : 0.01;
      uploader.accept(new FrameResult(Image.zeros(1, 28, 28), new float[4], 0, uncertainty, 1.0, 0.5,
          new Hypervector(256, words), "student", null));
    }
    return samples;
  }

  @Test
  void theQuotaCountsEveryFrameOfTheWindow() {
    assertThat(run(0.05, 50)).as("5 % of 100 frames, 50 above the minimum score").hasSize(5);
    assertThat(run(0.01, 99)).as("1 % of 100 frames, 99 above the minimum score").hasSize(1);
    assertThat(run(0.05, 3)).as("never more than the frames above the minimum score").hasSize(3);
    assertThat(run(0.2, 50)).extracting(DeviceSample::uncertainty).allMatch(u -> u > 0.5f);
  }
}
