package io.driftline.drift.bench;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.FashionMnist;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.events.DropCounts;
import io.driftline.core.events.ScoreSummary;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.hdc.HdcEncoder;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.hdc.OodScorer;
import io.driftline.core.hdc.PrototypeMemory;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.model.StudentOutput;
import io.driftline.core.model.SyntheticStudents;
import io.driftline.core.uncertainty.Logits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic telemetry for the benchmark: Fashion-MNIST frames (clean, or corrupted by a family at a
 * severity) run through the device path (a synthetic nano student, the HDC encoder, class
 * prototypes and the calibrated OOD score, predictive entropy), then grouped into windows as a
 * device would report them. Per-frame results are computed once per pool; windows draw frames from
 * a pool at random, so any number of independent windows of one domain can be made.
 */
final class DevicePathTelemetry implements AutoCloseable {

  /** Frames per telemetry window (a 10 fps camera reporting every 10 s). */
  static final int FRAMES_PER_WINDOW = 100;
  /** Bits of the window domain signature. */
  static final int SIGNATURE_BITS = 1024;

  /** The device path's output for each frame of a pool. */
  record Pool(String name, double[] ood, double[] entropy, double[] similarity, float[][] features) {
    int size() {
      return ood.length;
    }
  }

  private final LabeledImages train;
  private final LabeledImages test;
  private final StudentModel student;
  private final HdcEncoder encoder;
  private final PrototypeMemory prototypes;
  private final OodScorer ood;
  private final HdcEncoder signatureEncoder;

  DevicePathTelemetry(long seed) {
    FashionMnist data = FashionMnist.fromEnvironment(false);
    this.train = data.train();
    this.test = data.test();
    this.student = StudentModel.load(SyntheticStudents.nano(seed), "nano-" + seed + ".onnx");
    SplittableRandom random = new SplittableRandom(seed);
    int[] reference = random.ints(4_000, 0, train.size()).toArray();
    StudentOutput out = infer(images(train, reference));
    float[][] features = out.features();
    float[] centre = mean(features);
    this.encoder = HdcEncoder.builder().setFeatureDimension(features[0].length).optCenter(centre).build();
    this.prototypes = new PrototypeMemory(encoder.dimension());
    List<Hypervector> calibration = new ArrayList<>();
    for (int i = 0; i < reference.length; i++) {
      Hypervector hv = encoder.encode(features[i]);
      if (i < 3_000) {
        prototypes.add(train.classNames().get(train.label(reference[i])), hv);
      } else {
        calibration.add(hv);
      }
    }
    this.ood = OodScorer.calibrated(prototypes, calibration);
    this.signatureEncoder = HdcEncoder.builder().setFeatureDimension(features[0].length)
        .optDimension(SIGNATURE_BITS).optSeed(seed + 1).optCenter(centre).build();
  }

  /** The clean test set, every frame once. */
  Pool clean() {
    int[] all = new int[test.size()];
    Arrays.setAll(all, i -> i);
    return pool("clean", images(test, all));
  }

  /** {@code size} random test frames corrupted by {@code family} at {@code severity}. */
  Pool corrupted(CorruptionFamily family, int severity, int size, long seed) {
    int[] indexes = new SplittableRandom(seed).ints(size, 0, test.size()).toArray();
    List<Image> frames = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      frames.add(family.apply(test.image(indexes[i]), severity, seed, indexes[i]));
    }
    return pool(family.id() + "@" + severity, frames);
  }

  private Pool pool(String name, List<Image> frames) {
    StudentOutput out = infer(frames);
    int n = frames.size();
    double[] scores = new double[n];
    double[] entropy = new double[n];
    double[] similarity = new double[n];
    for (int i = 0; i < n; i++) {
      Hypervector hv = encoder.encode(out.features()[i]);
      scores[i] = ood.score(hv);
      similarity[i] = prototypes.nearest(hv).orElseThrow().similarity();
      entropy[i] = Logits.entropy(out.logits()[i]);
    }
    return new Pool(name, scores, entropy, similarity, out.features());
  }

  /** One window of {@code device} drawn from {@code pool}, as the device would report it. */
  TelemetryWindow window(String device, long seq, Pool pool, SplittableRandom random) {
    double[] scores = new double[FRAMES_PER_WINDOW];
    double entropy = 0;
    double similarity = 0;
    float[] meanFeatures = new float[pool.features()[0].length];
    for (int i = 0; i < FRAMES_PER_WINDOW; i++) {
      int frame = random.nextInt(pool.size());
      scores[i] = pool.ood()[frame];
      entropy += pool.entropy()[frame] / FRAMES_PER_WINDOW;
      similarity += pool.similarity()[frame] / FRAMES_PER_WINDOW;
      float[] f = pool.features()[frame];
      for (int j = 0; j < f.length; j++) {
        meanFeatures[j] += f[j] / FRAMES_PER_WINDOW;
      }
    }
    double mean = Arrays.stream(scores).average().orElseThrow();
    double variance = Arrays.stream(scores).map(s -> (s - mean) * (s - mean)).sum() / (FRAMES_PER_WINDOW - 1);
    Arrays.sort(scores);
    Instant start = Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofSeconds(10).multipliedBy(seq));
    return new TelemetryWindow(device, seq, start, start.plusSeconds(10), FRAMES_PER_WINDOW,
        new ScoreSummary(mean, Math.sqrt(variance), scores[49], scores[89], scores[98]),
        entropy, Math.min(1, similarity), 0, new DropCounts(0, 0), null, new int[0],
        signatureEncoder.encode(meanFeatures));
  }

  private StudentOutput infer(List<Image> frames) {
    List<float[]> features = new ArrayList<>();
    List<float[]> logits = new ArrayList<>();
    for (int from = 0; from < frames.size(); from += 256) {
      StudentOutput batch = student.infer(frames.subList(from, Math.min(frames.size(), from + 256)));
      features.addAll(Arrays.asList(batch.features()));
      logits.addAll(Arrays.asList(batch.logits()));
    }
    return new StudentOutput(features.toArray(float[][]::new), logits.toArray(float[][]::new));
  }

  private static List<Image> images(LabeledImages set, int[] indexes) {
    List<Image> out = new ArrayList<>(indexes.length);
    for (int index : indexes) {
      out.add(set.image(index));
    }
    return out;
  }

  private static float[] mean(float[][] rows) {
    float[] mean = new float[rows[0].length];
    for (float[] row : rows) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += row[j] / rows.length;
      }
    }
    return mean;
  }

  @Override
  public void close() {
    student.close();
  }
}
