package io.driftline.sandbox.scale;

import io.driftline.agent.pipeline.FramePipeline;
import io.driftline.agent.pipeline.FrameResult;
import io.driftline.agent.pipeline.SnapshotFactory;
import io.driftline.agent.source.FrameSource;
import io.driftline.agent.source.SourceFrame;
import io.driftline.core.model.StudentModel;
import io.driftline.core.scenario.Segment;
import java.util.ArrayList;
import java.util.List;

/**
 * What the real device pipeline makes of every frame of one scenario stream on one student,
 * computed once (real ONNX inference, HDC code, uncertainty and OOD score, with the pipeline's own
 * OOD warm-up) and then replayed by every light device that plays that stream on that student.
 *
 * @param results the pipeline's result per frame, in stream order (bare student, no bundle)
 * @param domains each frame's domain tag ({@link Segment#CLEAN} at home)
 * @param firstDrifted index of the first frame that is not clean, or -1
 */
record FrameStats(FrameResult[] results, String[] domains, int firstDrifted) {

  /** Runs {@code source} (one round) through a fresh pipeline of {@code student}. */
  static FrameStats compute(StudentModel student, FrameSource source, int hdcDimension, long memoryBudget,
      int oodWarmupFrames) throws InterruptedException {
    SnapshotFactory snapshots = new SnapshotFactory(student.featureDimension(), hdcDimension, 0.6, memoryBudget);
    FramePipeline pipeline = new FramePipeline(student, snapshots.bare(), oodWarmupFrames);
    List<FrameResult> results = new ArrayList<>();
    List<String> domains = new ArrayList<>();
    int firstDrifted = -1;
    for (SourceFrame frame = source.next(); frame != null; frame = source.next()) {
      results.add(pipeline.process(frame.image()));
      String domain = frame.domainTag() == null ? Segment.CLEAN : frame.domainTag();
      if (firstDrifted < 0 && !domain.equals(Segment.CLEAN)) {
        firstDrifted = domains.size();
      }
      domains.add(domain);
    }
    source.close();
    if (results.isEmpty()) {
      throw new IllegalStateException("stream " + source.describe() + " has no frames");
    }
    return new FrameStats(results.toArray(FrameResult[]::new), domains.toArray(String[]::new), firstDrifted);
  }

  int length() {
    return results.length;
  }
}
