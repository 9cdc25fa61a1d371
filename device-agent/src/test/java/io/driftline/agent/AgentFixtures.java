package io.driftline.agent;

import static io.driftline.core.bundle.SyntheticBundles.matrix;
import static io.driftline.core.bundle.SyntheticBundles.vector;

import io.driftline.core.bundle.Bundle;
import io.driftline.core.bundle.BundleCodec;
import io.driftline.core.bundle.BundleMetadata;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.image.Image;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.FrameRouting;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Students, frames and signed bundles for the agent's tests. */
public final class AgentFixtures {

  /** Feature width of the nano synthetic student. */
  public static final int NANO_FEATURES = 64;

  private AgentFixtures() {}

  /** Writes the nano synthetic student to {@code dir/student-nano.onnx}. */
  public static Path nanoStudent(Path dir) {
    try {
      Path file = dir.resolve("student-nano.onnx");
      Files.write(file, SyntheticStudents.nano(7));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Random 28x28 grey frames. */
  public static Image frame(SplittableRandom random) {
    float[] pixels = new float[28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    return Image.wrap(1, 28, 28, pixels);
  }

  /**
   * Builds a bundle for features of width {@code f} with {@code domains} adaptors (F -> 16 -> 10,
   * INT8) whose prototypes are random codes of the default agent encoder's dimension {@code dimension}.
   */
  public static Bundle bundle(String id, long version, int f, int dimension, int domains) {
    SplittableRandom random = new SplittableRandom(version * 31 + domains);
    BundleMetadata metadata = new BundleMetadata(id, version, "student-nano:1", "0".repeat(64),
        Instant.parse("2026-01-01T00:00:00Z"), Map.of("codeVersion", "test"));
    Bundle.Builder builder = Bundle.builder().setMetadata(metadata)
        .optPrompt(new VisualPrompt(new float[] {1.05f}, new float[] {-0.02f}, 7, 7, vector(49, random, 0.05)));
    HdcEncoder encoder = HdcEncoder.builder().setFeatureDimension(f).optDimension(dimension).build();
    for (int d = 0; d < domains; d++) {
      float[] features = vector(f, random, 1.0);
      Hypervector prototype = encoder.encode(features);
      Adaptor adaptor = Adaptor.of(List.of(matrix(16, f, random), matrix(10, 16, random)),
          List.of(vector(16, random, 0.01), vector(10, random, 0.01)), Precision.INT8, false);
      builder.optAdaptor(new DomainAdaptor("domain-" + d, prototype, adaptor));
    }
    return builder.build();
  }

  /**
   * Builds a format version 2 bundle with raw-frame routing: {@code domains} domains, each with a
   * 7x7 prompt and an adaptor (F -> 16 -> 10, INT8); domain 0's routing prototype is the code of
   * frames like {@link #frame} and the source prototype its complement, so such frames take domain 0's
   * prompt and adaptor (the worst case for cost), and frames of another kind keep the bare student.
   */
  public static Bundle routedBundle(String id, long version, int f, int dimension, int domains) {
    SplittableRandom random = new SplittableRandom(version * 37 + domains);
    List<Image> typical = new java.util.ArrayList<>();
    for (int i = 0; i < 64; i++) {
      typical.add(frame(random));
    }
    FrameRouting fitted = FrameRouting.fit(typical, typical, 1024, HdcEncoder.DEFAULT_SEED, 0);
    Hypervector domainZero = fitted.prototype(typical);
    long[] complement = domainZero.words().clone();
    for (int i = 0; i < complement.length; i++) {
      complement[i] = ~complement[i];
    }
    Hypervector source = new Hypervector(1024, complement);
    FrameRouting routing = new FrameRouting(fitted.mean(), fitted.scale(), fitted.encoder(), source, 0);
    Bundle.Builder builder = Bundle.builder().setMetadata(new BundleMetadata(id, version, "student-nano:1",
        "0".repeat(64), Instant.parse("2026-01-01T00:00:00Z"), Map.of("codeVersion", "test")))
        .optRouting(routing)
        .optEncoder(HdcEncoder.builder().setFeatureDimension(f).optDimension(dimension).build());
    for (int d = 0; d < domains; d++) {
      Hypervector prototype = d == 0 ? domainZero : routing.encoder().encode(vector(FrameRouting.DESCRIPTOR_LENGTH,
          random, 3.0));
      Adaptor adaptor = Adaptor.of(List.of(matrix(16, f, random), matrix(10, 16, random)),
          List.of(vector(16, random, 0.01), vector(10, random, 0.01)), Precision.INT8, false);
      builder.optAdaptor(new DomainAdaptor("domain-" + d, prototype, adaptor));
      builder.optDomainPrompt("domain-" + d,
          new VisualPrompt(new float[] {1.05f}, new float[] {-0.02f}, 7, 7, vector(49, random, 0.05)));
    }
    return builder.build();
  }

  /** Encodes and signs a bundle. */
  public static byte[] signed(Bundle bundle, PrivateKey key) {
    return BundleCodec.encode(bundle, key);
  }
}
