package io.driftline.core.bundle;

import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DenseLayer;
import io.driftline.core.update.DomainAdaptor;
import io.driftline.core.update.FrameRouting;
import io.driftline.core.update.Precision;
import io.driftline.core.update.VisualPrompt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded generator of random but valid bundles for the property tests. */
final class RandomBundles {

  private RandomBundles() {}

  static Bundle bundle(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Bundle.Builder builder = Bundle.builder().setMetadata(metadata(rnd));
    // a third of the bundles have raw-frame routing and per-domain prompts (format version 2)
    boolean routed = rnd.nextInt(3) == 0;
    if (!routed && rnd.nextInt(4) != 0) {
      builder.optPrompt(prompt(rnd));
    }
    int dimension = new int[] {10, 64, 100, 1000}[rnd.nextInt(4)];
    int features = 1 + rnd.nextInt(40);
    int classes = 1 + rnd.nextInt(10);
    int adaptors = rnd.nextInt(5);
    for (int i = 0; i < adaptors; i++) {
      String id = "d" + i + text(rnd, 6);
      builder.optAdaptor(new DomainAdaptor(id, hypervector(rnd, dimension), adaptor(rnd, features, classes)));
      if (routed && rnd.nextInt(3) != 0) {
        builder.optDomainPrompt(id, prompt(rnd));
      }
    }
    int extras = rnd.nextInt(3);
    for (int i = 0; i < extras; i++) {
      String id = "x" + i + text(rnd, 6);
      builder.optExtraPrototype(new DomainPrototype(id, hypervector(rnd, dimension)));
      if (routed && rnd.nextBoolean()) {
        builder.optDomainPrompt(id, prompt(rnd));
      }
    }
    if (routed) {
      HdcEncoder routingEncoder = HdcEncoder.builder().setFeatureDimension(FrameRouting.DESCRIPTOR_LENGTH)
          .optDimension(dimension).optSeed(rnd.nextLong()).build();
      builder.optRouting(new FrameRouting(floats(rnd, FrameRouting.DESCRIPTOR_LENGTH, 1),
          floats(rnd, FrameRouting.DESCRIPTOR_LENGTH, 3), routingEncoder, hypervector(rnd, dimension),
          rnd.nextDouble(0, 0.2)));
    }
    if (rnd.nextBoolean()) {
      float[] center = rnd.nextBoolean() ? null : new float[features];
      if (center != null) {
        for (int i = 0; i < features; i++) {
          center[i] = (float) rnd.nextDouble(-1, 1);
        }
      }
      builder.optEncoder(HdcEncoder.builder()
          .setFeatureDimension(features)
          .optDimension(routed ? 1 + rnd.nextInt(200) : dimension)
          .optSeed(rnd.nextLong())
          .optThreshold((float) rnd.nextDouble(-0.5, 0.5))
          .optCenter(center)
          .build());
    }
    return builder.build();
  }

  static BundleMetadata metadata(SplittableRandom rnd) {
    Map<String, String> lineage = new HashMap<>();
    int entries = rnd.nextInt(6);
    for (int i = 0; i < entries; i++) {
      lineage.put(text(rnd, 10), text(rnd, 20));
    }
    Instant created = Instant.ofEpochSecond(rnd.nextLong(-10_000_000_000L, 10_000_000_000L),
        rnd.nextInt(1_000_000_000));
    return new BundleMetadata("b" + text(rnd, 12), rnd.nextLong(0, Long.MAX_VALUE),
        "s" + text(rnd, 12), "sha256:" + text(rnd, 8), created, lineage);
  }

  /** Random text mixing ASCII, Latin, CJK and astral-plane emoji; never an unpaired surrogate. */
  static String text(SplittableRandom rnd, int maxLength) {
    StringBuilder sb = new StringBuilder();
    int length = rnd.nextInt(maxLength + 1);
    for (int i = 0; i < length; i++) {
      int codePoint = switch (rnd.nextInt(4)) {
        case 0, 1 -> rnd.nextInt(0x20, 0x7F);
        case 2 -> rnd.nextBoolean() ? rnd.nextInt(0xA0, 0x300) : rnd.nextInt(0x4E00, 0xA000);
        default -> rnd.nextInt(0x1F600, 0x1F650);
      };
      sb.appendCodePoint(codePoint);
    }
    return sb.toString();
  }

  static VisualPrompt prompt(SplittableRandom rnd) {
    int channels = rnd.nextBoolean() ? 1 : 3;
    int h = 1 + rnd.nextInt(8);
    int w = 1 + rnd.nextInt(8);
    return new VisualPrompt(floats(rnd, channels, 2), floats(rnd, channels, 0.5),
        h, w, floats(rnd, channels * h * w, 0.3));
  }

  static Hypervector hypervector(SplittableRandom rnd, int dimension) {
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int i = 0; i < words.length; i++) {
      words[i] = rnd.nextLong();
    }
    if (dimension % 64 != 0) {
      words[words.length - 1] &= (1L << (dimension % 64)) - 1;
    }
    return new Hypervector(dimension, words);
  }

  static Adaptor adaptor(SplittableRandom rnd, int features, int classes) {
    List<float[][]> weights = new ArrayList<>();
    List<float[]> biases = new ArrayList<>();
    int in = features;
    int hidden = rnd.nextInt(3);
    for (int layer = 0; layer <= hidden; layer++) {
      int out = layer == hidden ? classes : 1 + rnd.nextInt(20);
      float[][] w = new float[out][];
      for (int r = 0; r < out; r++) {
        w[r] = floats(rnd, in, 1);
      }
      weights.add(w);
      biases.add(floats(rnd, out, 0.1));
      in = out;
    }
    List<DenseLayer> layers = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      Precision precision = Precision.values()[rnd.nextInt(3)];
      layers.add(DenseLayer.of(weights.get(i), biases.get(i), precision));
    }
    return new Adaptor(layers, rnd.nextBoolean());
  }

  static float[] floats(SplittableRandom rnd, int n, double spread) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextGaussian() * spread);
    }
    return v;
  }
}
