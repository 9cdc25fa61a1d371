package io.driftline.core.scenario;

import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.IdxReader;
import io.driftline.core.data.ImageFolderReader;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Turns a scenario's {@link SourceSpec} into labelled images. */
@FunctionalInterface
public interface SourceResolver {

  /**
   * Returns the images a source names.
   *
   * @param reference the scenario's main data when resolving a segment's own source (its class
   *     names give the label space, its first image the shape), or null for the main source itself
   */
  LabeledImages resolve(SourceSpec spec, @Nullable LabeledImages reference);

  /**
   * Returns the standard resolver: Fashion-MNIST through {@code fashionMnist}, IDX pairs through
   * {@link IdxReader}, folders through {@link ImageFolderReader} (with the reference's class names,
   * channels and size). Each source is read once and then cached.
   */
  static SourceResolver standard(FashionMnist fashionMnist) {
    // Keyed by the reference too: the same files read as a segment source take the reference's class names.
    Map<List<Object>, LabeledImages> cache = new ConcurrentHashMap<>();
    return (spec, reference) -> cache.computeIfAbsent(List.of(spec, reference == null ? "" : reference.source()), key -> {
      SourceSpec s = spec;
      if (SourceSpec.FASHION_MNIST_TRAIN.equals(s.dataset())) {
        return fashionMnist.train();
      }
      if (SourceSpec.FASHION_MNIST_TEST.equals(s.dataset())) {
        return fashionMnist.test();
      }
      if (s.dataset() != null) {
        throw new ScenarioException("source", "unknown data set '" + s.dataset() + "'");
      }
      if (s.folder() != null) {
        ImageFolderReader.Builder reader = ImageFolderReader.builder();
        if (reference != null && reference.size() > 0) {
          Image template = reference.image(0);
          reader.optChannels(template.channels()).optSize(template.height(), template.width())
              .optClassNames(reference.classNames());
        }
        return reader.build().read(Path.of(s.folder()));
      }
      return IdxReader.read(Path.of(s.images()), Path.of(s.labels()),
          reference == null ? null : reference.classNames());
    });
  }

  /** The standard resolver with Fashion-MNIST found as configured in the environment, without downloads. */
  static SourceResolver standard() {
    return standard(FashionMnist.fromEnvironment(false));
  }
}
