package io.driftline.sandbox;

import io.driftline.agent.source.FrameSource;
import io.driftline.agent.source.SourceFrame;
import io.driftline.core.data.IdxReader;
import io.driftline.core.data.ImageFolderReader;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.scenario.Frame;
import io.driftline.core.scenario.Scenario;
import io.driftline.core.scenario.ScenarioStream;
import io.driftline.core.scenario.Scenarios;
import io.driftline.core.scenario.SourceResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The scenario the fleet plays: the default scenario or a file, optionally on another data set
 * ({@code --dataset}: IDX files or class-per-folder images replace the scenario's main source).
 * Device streams are the scenario's named devices in turn, or its default stream if it names none.
 */
final class ScenarioFrames {

  final Scenario scenario;
  private final SourceResolver resolver;
  private final @Nullable LabeledImages dataset;

  ScenarioFrames(@Nullable Path file, @Nullable Path datasetDir) {
    this.scenario = file == null ? Scenarios.loadDefault() : Scenarios.load(file);
    this.dataset = datasetDir == null ? null : readDataset(datasetDir);
    SourceResolver standard = SourceResolver.standard();
    LabeledImages replacement = dataset;
    this.resolver = replacement == null ? standard : (spec, reference) ->
        reference == null && spec.equals(scenario.source()) ? replacement : standard.resolve(spec, reference);
  }

  /** The test split of {@code --dataset}: the IDX {@code t10k-*} pair, else the images in {@code DIR/test}. */
  static LabeledImages readDataset(Path dir) {
    var images = IdxReader.find(dir, "t10k-images-idx3-ubyte");
    var labels = IdxReader.find(dir, "t10k-labels-idx1-ubyte");
    if (images.isPresent() && labels.isPresent()) {
      return IdxReader.read(images.get(), labels.get());
    }
    return ImageFolderReader.builder().build().read(testFolder(dir));
  }

  /** Whether {@code dir} holds the four IDX files of a data set. */
  static boolean isIdx(Path dir) {
    return List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte").stream().allMatch(f -> IdxReader.find(dir, f).isPresent());
  }

  /** {@code DIR/test} of a class-per-folder data set, or a clear error. */
  static Path testFolder(Path dir) {
    Path test = dir.resolve("test");
    if (!java.nio.file.Files.isDirectory(test) || !java.nio.file.Files.isDirectory(dir.resolve("train"))) {
      throw new SandboxOptions.UsageException("--dataset " + dir + " holds neither the four IDX files (train-*, t10k-*)"
          + " nor the folders train/ and test/ of class-per-folder images");
    }
    return test;
  }

  /** The data set's images, if {@code --dataset} was given. */
  @Nullable LabeledImages dataset() {
    return dataset;
  }

  /** Stream names in the order devices take them. */
  List<String> streams() {
    return scenario.devices().isEmpty() ? List.of("stream") : new ArrayList<>(scenario.devices().keySet());
  }

  /** A frame source playing {@code stream} {@code rounds} times. */
  FrameSource source(String stream, int rounds) {
    return new FrameSource() {
      private int round;
      private Iterator<Frame> frames = open();

      private Iterator<Frame> open() {
        ScenarioStream s = scenario.devices().containsKey(stream)
            ? ScenarioStream.forDevice(scenario, stream, resolver)
            : ScenarioStream.of(scenario, resolver.resolve(scenario.source(), null), resolver);
        return s.iterator();
      }

      @Override
      public @Nullable SourceFrame next() {
        while (!frames.hasNext()) {
          if (++round >= rounds) {
            return null;
          }
          frames = open();
        }
        Frame f = frames.next();
        return new SourceFrame(f.image(), f.label(), f.domainTag(), "round " + (round + 1) + " frame " + f.index());
      }

      @Override
      public String describe() {
        return "scenario " + scenario.name() + " stream " + stream + " x" + rounds;
      }
    };
  }

  /** Frames in one round of {@code stream}. */
  long length(String stream) {
    return (scenario.devices().containsKey(stream)
        ? ScenarioStream.forDevice(scenario, stream, resolver)
        : ScenarioStream.of(scenario, resolver.resolve(scenario.source(), null), resolver)).length();
  }
}
