package io.driftline.drift;

import io.driftline.core.events.BundleRef;
import io.driftline.core.events.DropCounts;
import io.driftline.core.events.ScoreSummary;
import io.driftline.core.events.TelemetryWindow;
import io.driftline.core.hdc.Hypervector;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Synthetic telemetry for the detector's tests: windows whose statistics are drawn around a level
 * with Gaussian noise, and domain signatures that are noisy copies of a per-domain hypervector.
 */
public final class TelemetryFixtures {

  /** Start of window 0. */
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** Length of one window. */
  public static final Duration WINDOW = Duration.ofSeconds(10);
  /** Bits of the test signatures. */
  public static final int SIGNATURE_BITS = 512;

  private final SplittableRandom random;

  /** Creates a generator with a seed. */
  public TelemetryFixtures(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A domain's level of the three statistics and its signature centre. */
  public record Domain(double ood, double entropy, double similarity, @Nullable Hypervector centre) {}

  /** The home domain: low OOD score, moderate entropy, high similarity. */
  public Domain home() {
    return new Domain(0.20, 0.80, 0.80, randomVector());
  }

  /** A drifted domain, {@code shift} standard deviations of window noise away from home. */
  public Domain drifted(double shift) {
    return new Domain(0.20 + 0.01 * shift, 0.80 + 0.01 * shift, 0.80 - 0.005 * shift, randomVector());
  }

  /** Returns the domain with another signature centre (same statistics). */
  public Domain withNewSignature(Domain d) {
    return new Domain(d.ood(), d.entropy(), d.similarity(), randomVector());
  }

  /** Returns the domain without signatures. */
  public static Domain unsigned(Domain d) {
    return new Domain(d.ood(), d.entropy(), d.similarity(), null);
  }

  /** One window of {@code deviceId} at {@code seq} drawn around {@code domain}. */
  public TelemetryWindow window(String deviceId, long seq, Domain domain, @Nullable BundleRef bundle) {
    double ood = Math.max(0, domain.ood() + 0.01 * random.nextGaussian());
    double entropy = Math.max(0, domain.entropy() + 0.01 * random.nextGaussian());
    double similarity = Math.min(1, Math.max(0, domain.similarity() + 0.005 * random.nextGaussian()));
    Instant start = T0.plus(WINDOW.multipliedBy(seq));
    Hypervector signature = domain.centre() == null ? null : noisy(domain.centre(), 0.03);
    return new TelemetryWindow(deviceId, seq, start, start.plus(WINDOW), 64,
        new ScoreSummary(ood, 0.05, ood, ood + 0.1, ood + 0.2), entropy, similarity, 2,
        new DropCounts(0, 0), bundle, new int[0], signature);
  }

  private Hypervector randomVector() {
    long[] words = new long[Hypervector.wordsFor(SIGNATURE_BITS)];
    for (int i = 0; i < words.length; i++) {
      words[i] = random.nextLong();
    }
    return new Hypervector(SIGNATURE_BITS, words);
  }

  private Hypervector noisy(Hypervector centre, double flipRate) {
    long[] words = centre.words();
    for (int bit = 0; bit < SIGNATURE_BITS; bit++) {
      if (random.nextDouble() < flipRate) {
        words[bit >>> 6] ^= 1L << (bit & 63);
      }
    }
    return new Hypervector(SIGNATURE_BITS, words);
  }
}
