package io.driftline.core.events;

import io.driftline.core.hdc.Hypervector;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Seeded example events for the tests, covering unicode ids and present/absent optional fields. */
final class EventFixtures {

  static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589793238Z");

  private static final String[] IDS = {
    "cam-0042", "gerät-7", "設備-東京-3", "🛰️-relay", "a", "device with spaces", "x/y?z#%"
  };

  private EventFixtures() {}

  static String id(SplittableRandom rnd) {
    return IDS[rnd.nextInt(IDS.length)] + "-" + rnd.nextInt(1000);
  }

  static Hypervector hypervector(SplittableRandom rnd, int dimension) {
    long[] words = new long[Hypervector.wordsFor(dimension)];
    for (int i = 0; i < words.length; i++) {
      words[i] = rnd.nextLong();
    }
    int tail = dimension % 64;
    if (tail != 0) {
      words[words.length - 1] &= (1L << tail) - 1;
    }
    return new Hypervector(dimension, words);
  }

  /** A sample with each optional section present when the matching flag bit of {@code optionals} is set. */
  static DeviceSample sample(SplittableRandom rnd, int optionals) {
    int channels = rnd.nextBoolean() ? 1 : 3;
    int height = 1 + rnd.nextInt(32);
    int width = 1 + rnd.nextInt(32);
    byte[] pixels = new byte[channels * height * width];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rnd.nextInt(256);
    }
    DeviceSample.Builder b = DeviceSample.builder()
        .setEventId(UUID.randomUUID().toString())
        .setDeviceId(id(rnd))
        .setStudentModelId(id(rnd))
        .setWindowSeq(rnd.nextLong(0, Long.MAX_VALUE))
        .setFrameIndex(rnd.nextLong(0, Long.MAX_VALUE))
        .setCapturedAt(T0.plusNanos(rnd.nextLong(0, 1_000_000_000_000_000L)))
        .setUncertainty((float) rnd.nextDouble(-10, 10))
        .setOodScore((float) rnd.nextDouble(0, 2))
        .setPredictedClass(rnd.nextInt(1000))
        .setPixels(channels, height, width, pixels);
    if ((optionals & DeviceSampleCodec.FLAG_BUNDLE) != 0) {
      b.optActiveBundle(new BundleRef(id(rnd), 1 + rnd.nextInt(1_000_000)));
    }
    if ((optionals & DeviceSampleCodec.FLAG_DOMAIN_HINT) != 0) {
      b.optDomainHint("domain-" + id(rnd));
    }
    if ((optionals & DeviceSampleCodec.FLAG_FEATURES) != 0) {
      float[] f = new float[rnd.nextInt(200)];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) rnd.nextGaussian();
      }
      b.optFeatures(f);
    }
    if ((optionals & DeviceSampleCodec.FLAG_HYPERVECTOR) != 0) {
      b.optHypervector(hypervector(rnd, 1 + rnd.nextInt(2048)));
    }
    return b.build();
  }

  static TelemetryWindow telemetry(SplittableRandom rnd, boolean withBundle, boolean withHistogram) {
    int frames = 1 + rnd.nextInt(500);
    int[] histogram = new int[0];
    if (withHistogram) {
      histogram = new int[10];
      for (int i = 0; i < frames; i++) {
        histogram[rnd.nextInt(10)]++;
      }
    }
    double p50 = rnd.nextDouble();
    return new TelemetryWindow(id(rnd), rnd.nextLong(0, 1L << 40), T0, T0.plusSeconds(1 + rnd.nextInt(60)),
        frames, new ScoreSummary(rnd.nextDouble(), rnd.nextDouble(), p50, p50 + 0.1, p50 + 0.25),
        rnd.nextDouble(0, 2.3), rnd.nextDouble(), rnd.nextInt(frames + 1),
        new DropCounts(rnd.nextInt(100), rnd.nextInt(100)),
        withBundle ? new BundleRef(id(rnd), 1 + rnd.nextInt(99)) : null, histogram);
  }

  static DriftIncident incident(SplittableRandom rnd, boolean withSignature) {
    DriftIncident.State[] states = DriftIncident.State.values();
    long first = rnd.nextLong(0, 1L << 40);
    return new DriftIncident(UUID.randomUUID().toString(), id(rnd), states[rnd.nextInt(states.length)],
        "page-hinkley", "oodScore.mean", rnd.nextDouble(0, 50), T0, T0.plusMillis(rnd.nextInt(100_000)),
        first, first + rnd.nextInt(100), withSignature ? hypervector(rnd, 1 + rnd.nextInt(1024)) : null);
  }

  static DesiredState desired(SplittableRandom rnd) {
    StringBuilder digest = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      digest.append(Character.forDigit(rnd.nextInt(16), 16));
    }
    return new DesiredState(id(rnd), new BundleRef(id(rnd), 1 + rnd.nextInt(99)), digest.toString(),
        "/api/v1/artefacts/sha256:" + digest, "registry-key-2025", T0, rnd.nextLong(0, 1L << 50));
  }

  static RegistryEvent registry(SplittableRandom rnd, boolean emptyPayload) {
    RegistryEvent.Type[] types = RegistryEvent.Type.values();
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    if (!emptyPayload) {
      payload.put("modelId", id(rnd));
      payload.put("version", rnd.nextInt(100));
      payload.putArray("tags").add("fp32").add("grey");
      payload.putObject("metrics").put("accuracy", 0.875);
    }
    // UNKNOWN is last and is read-only, so draw from the others.
    return new RegistryEvent(UUID.randomUUID().toString(), types[rnd.nextInt(types.length - 1)], id(rnd),
        T0, payload);
  }
}
