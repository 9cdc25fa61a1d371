package io.driftline.agent.source;

import io.driftline.core.scenario.Frame;
import io.driftline.core.scenario.Scenario;
import io.driftline.core.scenario.ScenarioStream;
import io.driftline.core.scenario.Scenarios;
import io.driftline.core.scenario.SourceResolver;
import java.nio.file.Path;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/** Plays a scenario stream (adaptation-core) as the device sees it, with ground truth and domain tags. */
public final class ScenarioSource implements FrameSource {

  private final Iterator<Frame> frames;
  private final String description;

  /** Plays {@code stream}. */
  public ScenarioSource(ScenarioStream stream, String description) {
    this.frames = stream.iterator();
    this.description = description;
  }

  /**
   * Loads the scenario file (or the default scenario when {@code file} is null) as {@code deviceId}
   * sees it; a device the scenario does not name plays the scenario's default stream.
   */
  public static ScenarioSource load(@Nullable Path file, String deviceId) {
    Scenario scenario = file == null ? Scenarios.loadDefault() : Scenarios.load(file);
    SourceResolver resolver = SourceResolver.standard();
    ScenarioStream stream = scenario.devices().containsKey(deviceId)
        ? ScenarioStream.forDevice(scenario, deviceId, resolver)
        : ScenarioStream.of(scenario, resolver.resolve(scenario.source(), null), resolver);
    return new ScenarioSource(stream, "scenario " + (file == null ? "default" : file.getFileName()) + " ("
        + stream.length() + " frames)");
  }

  @Override
  public @Nullable SourceFrame next() {
    if (!frames.hasNext()) {
      return null;
    }
    Frame frame = frames.next();
    return new SourceFrame(frame.image(), frame.label(), frame.domainTag(), "frame " + frame.index());
  }

  @Override
  public String describe() {
    return description;
  }
}
