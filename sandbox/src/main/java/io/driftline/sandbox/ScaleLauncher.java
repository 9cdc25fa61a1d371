package io.driftline.sandbox;

import io.driftline.core.data.FashionMnist;
import io.driftline.sandbox.scale.ScaleRun;
import io.driftline.sandbox.scale.ScaleSystem;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --scale N}: starts the same local system as the sandbox (PostgreSQL, models, embedded
 * broker, the four services in child JVMs), registers the models, and hands it to a
 * {@link ScaleRun} of N light devices instead of playing the scenario on real agents.
 */
final class ScaleLauncher {

  private ScaleLauncher() {}

  static Path run(SandboxOptions options, Progress progress) throws Exception {
    Path out = options.out().toAbsolutePath();
    Sandbox.resetRunFolders(out);
    ScenarioFrames frames = new ScenarioFrames(options.scenario(), options.dataset());
    Path sourceData = options.dataset() == null ? FashionMnist.fromEnvironment(false).locate()
        : ScenarioFrames.isIdx(options.dataset()) ? options.dataset() : ScenarioFrames.testFolder(options.dataset());
    try (Postgres db = Postgres.prepare(options.postgresUrl(), options.embeddedPostgres(), out, progress)) {
      ReferenceModels.ensure(options.models(), options.quickModels(), options.dataset(), options.services(), progress);
      try (LocalStack stack = LocalStack.start(db, out, sourceData, options.services(), progress)) {
        ServiceApi registry = new ServiceApi("model-registry", stack.registry.url(), stack.adminToken);
        ReferenceModels.register(registry, options.models(), null, progress);
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        processes.put("sandbox", ProcessHandle.current());
        stack.services().forEach(s -> processes.put(s.name(), ProcessHandle.of(s.pid()).orElseThrow()));
        ScaleSystem system = new ScaleSystem(stack.kafka, stack.registry.url(), stack.catalog.url(), stack.detector.url(),
            stack.teacher.url(), stack.adminToken, out.resolve("keys/teacher-key.pem"), options.models(), out, processes,
            frames.streams(), stream -> frames.source(stream, 1), progress::say);
        return new ScaleRun(system, options.scale(), options.scaleSeconds(), options.windowFrames()).run();
      }
    }
  }
}
