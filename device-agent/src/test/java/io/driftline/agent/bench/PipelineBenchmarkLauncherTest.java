package io.driftline.agent.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Starts {@link PipelineBenchmark} through Maven so it runs with the test class path; skipped unless
 * {@code -Ddriftline.bench=true} (see docs/performance.md).
 */
@EnabledIfSystemProperty(named = "driftline.bench", matches = "true")
class PipelineBenchmarkLauncherTest {

  @Test
  void runBenchmark() throws Exception {
    PipelineBenchmark.run();
  }
}
