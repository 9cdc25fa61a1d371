package io.driftline.teacher.jobs;

import io.driftline.core.bundle.Ed25519Keys;
import io.driftline.core.data.IdxReader;
import io.driftline.core.data.ImageFolderReader;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.config.TeacherProperties;
import io.driftline.teacher.fleet.FleetCallException;
import io.driftline.teacher.fleet.RegistryClient;
import io.driftline.teacher.pipeline.SourceSamples;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The models and data every job shares: students and the teacher, downloaded once from the
 * registry by version and kept loaded; the home-domain samples; the teacher's signing key.
 */
@Component
public class TeacherModels implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TeacherModels.class);

  private final RegistryClient registry;
  private final TeacherProperties properties;
  private final KeyPair signingKey;
  private final Map<String, Loaded> loaded = new HashMap<>();
  private @Nullable SourceSamples source;

  /** Loads (or creates) the signing key; models are loaded when first needed. */
  public TeacherModels(RegistryClient registry, TeacherProperties properties) {
    this.registry = registry;
    this.properties = properties;
    try {
      Ed25519Keys.Loaded keys = Ed25519Keys.loadOrCreate(properties.signing().keyFile());
      this.signingKey = keys.pair();
      LOG.info("{} teacher signing key keyId={} file={}", keys.generated() ? "generated" : "loaded",
          Ed25519Keys.keyId(signingKey.getPublic()), properties.signing().keyFile().toAbsolutePath());
    } catch (IOException | RuntimeException e) {
      // name the setting: the cause alone (a file name, "not an Ed25519 private key") does not say where to fix it
      throw new IllegalStateException("driftline.teacher.signing.key-file: cannot read or create the signing key "
          + properties.signing().keyFile() + ": " + e.getMessage(), e);
    }
  }

  /**
   * A model version loaded from the registry.
   *
   * @param ref {@code name:version}
   * @param onnx the ONNX bytes
   * @param model the model in ONNX Runtime
   */
  public record Loaded(String ref, byte[] onnx, StudentModel model) {}

  /** The teacher's signing key pair; the registry must trust its public key. */
  public KeyPair signingKey() {
    return signingKey;
  }

  /** The configured teacher model, {@code name:version}. */
  public String teacherRef() {
    return properties.models().teacher();
  }

  /**
   * A model version, downloaded from the registry on first use.
   *
   * @throws FleetCallException if the registry cannot give it
   * @throws IllegalArgumentException if {@code ref} is not {@code name:version} or the artefact is not a usable model
   */
  public synchronized Loaded model(String ref) throws FleetCallException {
    Loaded cached = loaded.get(ref);
    if (cached != null) {
      return cached;
    }
    int colon = ref.lastIndexOf(':');
    long version;
    try {
      version = Long.parseLong(ref.substring(colon + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("model reference '" + ref + "' is not name:version");
    }
    String name = ref.substring(0, Math.max(0, colon));
    Optional<JsonNode> v = registry.version(name, version);
    if (v.isEmpty()) {
      throw new IllegalArgumentException("the registry has no model version " + ref);
    }
    byte[] onnx = registry.artefact(v.get().path("digest").asString());
    StudentModel model = StudentModel.load(onnx, ref);
    Loaded result = new Loaded(ref, onnx, model);
    loaded.put(ref, result);
    LOG.info("loaded model {} ({} bytes, {} classes)", ref, onnx.length, model.numClasses());
    return result;
  }

  /**
   * The home-domain samples: evenly spaced frames of the configured data set's test part.
   *
   * @throws IllegalStateException if the data set cannot be read
   */
  public synchronized SourceSamples source() {
    if (source == null) {
      Path dataset = properties.source().dataset();
      LabeledImages images;
      Optional<Path> idxImages = IdxReader.find(dataset, "t10k-images-idx3-ubyte");
      Optional<Path> idxLabels = IdxReader.find(dataset, "t10k-labels-idx1-ubyte");
      if (idxImages.isPresent() && idxLabels.isPresent()) {
        images = IdxReader.read(idxImages.get(), idxLabels.get());
      } else if (Files.isDirectory(dataset)) {
        images = ImageFolderReader.builder().build().read(dataset);
      } else {
        throw new IllegalStateException("driftline.teacher.source.dataset " + dataset
            + " is neither an IDX folder (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) nor an image folder");
      }
      int count = Math.min(properties.source().samples(), images.size());
      if (count < 2) {
        throw new IllegalStateException("the source data set " + dataset + " has fewer than 2 images");
      }
      List<Image> frames = new ArrayList<>(count);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        int index = (int) ((long) i * images.size() / count);
        frames.add(images.image(index));
        labels[i] = images.label(index);
      }
      source = new SourceSamples(frames, labels);
      LOG.info("source samples: {} of {} from {}", count, images.size(), images.source());
    }
    return source;
  }

  @PreDestroy
  @Override
  public synchronized void close() {
    loaded.values().forEach(l -> l.model().close());
    loaded.clear();
  }
}
