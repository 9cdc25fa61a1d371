package io.driftline.teacher.adapt;

import io.driftline.core.update.Adaptor;
import io.driftline.core.update.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Picks an adaptor's kind, width or projection size, ridge strength λ and precision for one domain
 * within a device budget, without training anything by gradient descent (issue 3, section 5).
 *
 * <p>The rule, for every kind × width × λ × precision that fits the {@link AdaptorBudget} (bytes
 * and MACs computed as the device counts them):
 *
 * <ol>
 *   <li><b>Score</b> the full-precision closed-form ridge head by its weighted leave-one-out error
 *       rate ({@link RidgeLeaveOneOut}, from the Cholesky factor of the Gram matrix, no refit):
 *       on the raw features for {@code LINEAR}, on {@code ReLU(R·f)} for {@code RIDGE} and
 *       {@code MLP} (the same seeded {@code R}).
 *   <li><b>Estimate the quantization cost</b> by exporting that head at the precision (with the
 *       fitted 1-bit rows of {@link RidgeHead}) and measuring, with the device {@code Adaptor}, how
 *       much weighted training accuracy against the targets' argmax it loses against the FP32 export
 *       (never below 0).
 *   <li><b>Choose</b> the lowest {@code looError + drop}; exact ties go to fewer bytes, then fewer
 *       MACs, then the kind order {@code LINEAR, RIDGE, MLP}, then the larger λ.
 * </ol>
 *
 * <p>Because the objective does not depend on the budget, shrinking the budget either keeps the
 * choice or drops it for one that fits the smaller budget: a tighter byte limit never yields more
 * bytes, a tighter MAC limit never more MACs.
 *
 * <p>An MLP of width H starts at the ridge of width H ({@link MlpAdaptorTrainer}), so its score is
 * that ridge's: an estimate of its error before SGD, which early stopping on held-out data can only
 * improve on that split. No training-free score sees what SGD adds, so with both kinds allowed the
 * ridge wins the tie (no training, incremental statistics); leave {@code RIDGE} out of
 * {@link Builder#optKinds} to get an MLP. The default kinds are {@code LINEAR} and {@code RIDGE}.
 *
 * <p>Instances are immutable and may be shared.
 */
public final class ZeroShotAdaptorChooser {

  private final Set<AdaptorKind> kinds;
  private final int[] widths;
  private final double[] lambdas;
  private final long seed;

  private ZeroShotAdaptorChooser(Builder b) {
    this.kinds = Set.copyOf(b.kinds);
    this.widths = b.widths.clone();
    this.lambdas = b.lambdas.clone();
    this.seed = b.seed;
  }

  /** Returns a builder with the default grid. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Chooses an adaptor for one domain's pseudo-labelled samples.
   *
   * @param budget what the device affords
   * @param features student feature vectors
   * @param targets soft targets (K values each), as {@link RidgeAdaptorTrainer#add} takes them
   * @param weights per-sample weights, finite and {@code >= 0}
   * @return the choice with every candidate's score
   * @throws IllegalArgumentException on bad samples, or if no candidate fits the budget (the message
   *     names the smallest candidate and what it needs)
   */
  public AdaptorChoice choose(
      AdaptorBudget budget, float[][] features, float[][] targets, double[] weights) {
    int n = SampleChecks.check(features, targets, weights);
    int inputs = features[0].length;
    int classes = targets[0].length;
    List<AdaptorCandidate> candidates = new ArrayList<>();
    for (AdaptorKind kind : AdaptorKind.values()) {
      if (kind == AdaptorKind.MLP && kinds.contains(AdaptorKind.RIDGE)) {
        continue; // scored together with the ridge of the same width below
      }
      if (!kinds.contains(kind)) {
        continue;
      }
      for (int width : kind == AdaptorKind.LINEAR ? new int[] {0} : widths) {
        List<AdaptorKind> emitted = kind == AdaptorKind.RIDGE && kinds.contains(AdaptorKind.MLP)
            ? List.of(AdaptorKind.RIDGE, AdaptorKind.MLP)
            : List.of(kind);
        score(emitted, width, inputs, classes, n, budget, features, targets, weights, candidates);
      }
    }
    AdaptorCandidate chosen = candidates.stream()
        .filter(AdaptorCandidate::scored)
        .min(Comparator.comparingDouble(AdaptorCandidate::estimatedError)
            .thenComparingLong(AdaptorCandidate::bytes)
            .thenComparingLong(AdaptorCandidate::macs)
            .thenComparing(AdaptorCandidate::kind)
            .thenComparing(Comparator.comparingDouble(AdaptorCandidate::lambda).reversed()))
        .orElseThrow(() -> infeasible(budget, candidates, inputs, classes));
    return new AdaptorChoice(chosen, candidates, budget, seed, inputs, classes, n);
  }

  private void score(
      List<AdaptorKind> emitted,
      int width,
      int inputs,
      int classes,
      int n,
      AdaptorBudget budget,
      float[][] features,
      float[][] targets,
      double[] weights,
      List<AdaptorCandidate> out) {
    long macs = width == 0 ? (long) inputs * classes : (long) inputs * width + (long) width * classes;
    List<Precision> fitting = new ArrayList<>();
    for (Precision p : budget.precisions().stream().sorted().toList()) {
      long bytes = bytes(width, inputs, classes, p);
      if (budget.admits(bytes, macs, p)) {
        fitting.add(p);
      } else {
        for (AdaptorKind kind : emitted) {
          out.add(new AdaptorCandidate(
              kind, width, Double.NaN, p, bytes, macs, false, Double.NaN, Double.NaN, Double.NaN));
        }
      }
    }
    if (fitting.isEmpty()) {
      return;
    }
    float @Nullable [][] projection = width == 0 ? null : new RandomProjection(inputs, width, seed).matrix();
    double[][] h = new double[n][];
    RidgeStatistics stats = new RidgeStatistics(width == 0 ? inputs : width, classes);
    for (int i = 0; i < n; i++) {
      h[i] = projection == null ? toDouble(features[i]) : MlpHead.hidden(projection, new double[width], features[i]);
      stats.add(h[i], targets[i], weights[i]);
    }
    for (double lambda : lambdas) {
      RidgeLeaveOneOut.Result loo = RidgeLeaveOneOut.compute(stats, lambda, h, targets, weights);
      double[][] solution = loo.solution();
      double fp32Accuracy = Double.NaN;
      for (Precision p : fitting) {
        Adaptor exported = export(projection, solution, stats, lambda, p);
        double accuracy = accuracy(exported, features, targets, weights);
        if (Double.isNaN(fp32Accuracy)) {
          fp32Accuracy = p == Precision.FP32
              ? accuracy
              : accuracy(export(projection, solution, stats, lambda, Precision.FP32), features, targets, weights);
        }
        double drop = Math.max(0, 100 * (fp32Accuracy - accuracy));
        for (AdaptorKind kind : emitted) {
          out.add(new AdaptorCandidate(
              kind, width, lambda, p, exported.byteSize(), AdaptorBudget.macs(exported), true,
              loo.errorRate(), drop, loo.errorRate() + drop / 100));
        }
      }
    }
  }

  /** Exported bytes of a candidate's shape, as {@link Adaptor#byteSize()} will count them. */
  static long bytes(int width, int inputs, int classes, Precision p) {
    return width == 0
        ? AdaptorBudget.layerBytes(inputs, classes, p)
        : AdaptorBudget.layerBytes(inputs, width, p) + AdaptorBudget.layerBytes(width, classes, p);
  }

  /** The closed-form head as a device adaptor: one layer on raw features, or the ridge head. */
  static Adaptor export(
      float @Nullable [][] projection,
      double[][] solution,
      RidgeStatistics stats,
      double lambda,
      Precision precision) {
    if (projection != null) {
      return new RidgeHead(projection, solution, stats, lambda).toAdaptor(precision);
    }
    int m = solution.length - 1;
    int classes = solution[0].length;
    double[][] w = new double[classes][m];
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < m; j++) {
        w[k][j] = solution[j][k];
      }
    }
    return new Adaptor(
        List.of(RidgeHead.headLayer(w, solution[m].clone(), stats, lambda, precision)), false);
  }

  private static double accuracy(Adaptor a, float[][] features, float[][] targets, double[] weights) {
    double right = 0;
    double total = 0;
    for (int i = 0; i < features.length; i++) {
      if (weights[i] == 0) {
        continue;
      }
      if (RidgeHead.argmax(a.adaptorLogits(features[i])) == RidgeHead.argmax(targets[i])) {
        right += weights[i];
      }
      total += weights[i];
    }
    return right / total;
  }

  private static IllegalArgumentException infeasible(
      AdaptorBudget budget, List<AdaptorCandidate> candidates, int inputs, int classes) {
    AdaptorCandidate smallest = candidates.stream()
        .min(Comparator.comparingLong(AdaptorCandidate::bytes).thenComparingLong(AdaptorCandidate::macs))
        .orElseThrow(() -> new IllegalArgumentException(
            "no adaptor candidate: the budget allows none of the configured kinds"));
    long fewestMacs = candidates.stream().mapToLong(AdaptorCandidate::macs).min().orElseThrow();
    return new IllegalArgumentException(
        "no adaptor fits the budget (maxBytes=" + budget.maxBytes() + ", maxMacsPerFrame="
            + budget.maxMacsPerFrame() + ", precisions=" + budget.precisions().stream().sorted().toList()
            + "): the smallest candidate, " + smallest.shape(inputs, classes) + ", needs "
            + smallest.bytes() + " bytes and " + smallest.macs() + " MACs, the fewest MACs of any is "
            + fewestMacs + "; raise the budget or allow a lower precision");
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** Builder of the candidate grid; every setting is optional. */
  public static final class Builder {
    private Set<AdaptorKind> kinds = EnumSet.of(AdaptorKind.LINEAR, AdaptorKind.RIDGE);
    private int[] widths = {16, 32, 64, 128, 256, 512};
    private double[] lambdas = {1e-4, 1e-3, 1e-2, 1e-1, 1, 10};
    private long seed;

    private Builder() {}

    /** Kinds to consider (default LINEAR and RIDGE; see the class comment for MLP). */
    public Builder optKinds(Set<AdaptorKind> kinds) {
      if (kinds.isEmpty()) {
        throw new IllegalArgumentException("need at least one adaptor kind");
      }
      this.kinds = EnumSet.copyOf(kinds);
      return this;
    }

    /** Hidden widths / projection sizes to consider (default 16, 32, 64, 128, 256, 512). */
    public Builder optWidths(int... widths) {
      if (widths.length == 0 || Arrays.stream(widths).anyMatch(w -> w < 1)) {
        throw new IllegalArgumentException(
            "widths must be a non-empty list of values >= 1, got " + Arrays.toString(widths));
      }
      this.widths = Arrays.stream(widths).distinct().sorted().toArray();
      return this;
    }

    /** Ridge strengths to consider (default 1e-4 to 10 by decades), relative to the total weight. */
    public Builder optLambdas(double... lambdas) {
      if (lambdas.length == 0
          || Arrays.stream(lambdas).anyMatch(l -> !(l > 0) || Double.isInfinite(l))) {
        throw new IllegalArgumentException(
            "lambdas must be a non-empty list of finite values > 0, got " + Arrays.toString(lambdas));
      }
      this.lambdas = Arrays.stream(lambdas).distinct().sorted().toArray();
      return this;
    }

    /** Seed of the random projections (and of the MLP that starts from them); default 0. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Builds the chooser. */
    public ZeroShotAdaptorChooser build() {
      return new ZeroShotAdaptorChooser(this);
    }
  }
}
