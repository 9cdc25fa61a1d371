package io.driftline.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.agent.AgentFixtures;
import io.driftline.core.bundle.Bundle;
import io.driftline.core.image.Image;
import io.driftline.core.model.Prediction;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.FrameRouter;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent applies a format version 2 bundle as the core router says: route raw, prompt, student, adaptor. */
class RawRoutingPipelineTest {

  @TempDir
  Path dir;

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }

  @Test
  void framesTakeTheirDomainsPromptAndAdaptorAndEvictedDomainsTheBareStudent() {
    try (StudentModel student = StudentModel.load(AgentFixtures.nanoStudent(dir))) {
      Bundle bundle = AgentFixtures.routedBundle("routed", 1, student.featureDimension(), 1024, 3);
      FrameRouter router = bundle.frameRouter();
      FramePipeline pipeline = new FramePipeline(student,
          new SnapshotFactory(student.featureDimension(), 1024, 0.6, 1 << 20).build(bundle, Map.of()), 10);
      // a budget of one byte evicts every adaptor
      FramePipeline evicted = new FramePipeline(student,
          new SnapshotFactory(student.featureDimension(), 1024, 0.6, 1).build(bundle, Map.of()), 10);
      SplittableRandom random = new SplittableRandom(11);
      int toDomainZero = 0;
      int frames = 50;
      for (int i = 0; i < frames; i++) {
        Image frame = AgentFixtures.frame(random);
        FrameRouter.Route route = router.route(frame);
        Prediction p = student.infer(route.prompted(frame));
        FrameResult result = pipeline.process(frame);
        assertThat(result.route()).isEqualTo(route.routeId());
        assertThat(result.predictedClass()).isEqualTo(argmax(route.logits(p.features(), p.logits())));
        FrameResult bare = evicted.process(frame);
        assertThat(bare.route()).isEqualTo(route.routeId());
        assertThat(bare.predictedClass()).isEqualTo(argmax(student.infer(frame).logits()));
        toDomainZero += route.routeId().equals("domain-0") ? 1 : 0;
      }
      assertThat(toDomainZero).as("random frames go to the domain fitted on them").isGreaterThan(frames * 9 / 10);
      assertThat(pipeline.snapshot().evictedDomains()).isEmpty();
      assertThat(evicted.snapshot().evictedDomains()).containsExactlyInAnyOrder("domain-0", "domain-1", "domain-2");
      assertThat(pipeline.routeCounts()).containsEntry("domain-0", (long) toDomainZero);
    }
  }
}
