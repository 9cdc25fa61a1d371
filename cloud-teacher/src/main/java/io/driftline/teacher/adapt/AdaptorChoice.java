package io.driftline.teacher.adapt;

import io.driftline.core.update.Adaptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a zero-shot adaptor choice ({@link ZeroShotAdaptorChooser}): the chosen candidate,
 * every candidate with its score, and how to train the chosen one.
 *
 * @param chosen the candidate with the lowest estimated error within the budget
 * @param candidates every candidate considered, scored or over budget, in the order considered
 * @param budget the budget the choice was made for
 * @param seed the random-projection seed the scores were computed with
 * @param inputs student feature length F
 * @param classes number of classes K
 * @param samples number of samples scored
 */
public record AdaptorChoice(
    AdaptorCandidate chosen,
    List<AdaptorCandidate> candidates,
    AdaptorBudget budget,
    long seed,
    int inputs,
    int classes,
    int samples) {

  /** Copies the candidate list. */
  public AdaptorChoice {
    candidates = List.copyOf(candidates);
  }

  /**
   * Trains the chosen adaptor on samples (usually the ones it was chosen on) and exports it at the
   * chosen precision: the closed-form head for {@code LINEAR} and {@code RIDGE}, SGD from the ridge
   * start for {@code MLP} (default {@link MlpAdaptorTrainer} settings, the chosen width, λ and seed).
   *
   * @throws IllegalStateException if the exported adaptor's size or MACs differ from the candidate's
   *     (a bug: the choice counted them wrongly)
   */
  public Adaptor fit(float[][] features, float[][] targets, double[] weights) {
    SampleChecks.check(features, targets, weights);
    AdaptorCandidate c = chosen;
    Adaptor adaptor = switch (c.kind()) {
      case LINEAR -> {
        RidgeStatistics stats = new RidgeStatistics(inputs, classes);
        double[] x = new double[inputs];
        for (int i = 0; i < features.length; i++) {
          for (int j = 0; j < inputs; j++) {
            x[j] = features[i][j];
          }
          stats.add(x, targets[i], weights[i]);
        }
        yield ZeroShotAdaptorChooser.export(
            null, stats.solve(c.lambda()), stats, c.lambda(), c.precision());
      }
      case RIDGE -> {
        RidgeAdaptorTrainer trainer =
            new RidgeAdaptorTrainer(new RandomProjection(inputs, c.width(), seed), classes, c.lambda());
        trainer.add("domain", features, targets, weights);
        yield trainer.domainHead("domain").toAdaptor(c.precision());
      }
      case MLP -> MlpAdaptorTrainer.builder()
          .setHiddenWidth(c.width())
          .optSeed(seed)
          .optLambda(c.lambda())
          .build()
          .train(features, targets, weights)
          .toAdaptor(c.precision());
    };
    if (adaptor.byteSize() != c.bytes() || AdaptorBudget.macs(adaptor) != c.macs()) {
      throw new IllegalStateException(
          "exported " + adaptor + " with " + AdaptorBudget.macs(adaptor) + " MACs, but the choice"
              + " counted " + c.bytes() + " bytes and " + c.macs() + " MACs");
    }
    return adaptor;
  }

  /**
   * The decision and every candidate's score as lineage entries: {@code choice.kind},
   * {@code choice.width}, {@code choice.lambda}, {@code choice.precision}, {@code choice.bytes},
   * {@code choice.macs}, {@code choice.looError}, {@code choice.quantizationDropPoints},
   * {@code choice.estimatedError}, {@code choice.rule}, the budget, and
   * {@code choice.candidate.<i>} = one line per candidate.
   */
  public Map<String, String> lineage() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("choice.kind", chosen.kind().name().toLowerCase(Locale.ROOT));
    out.put("choice.width", Integer.toString(chosen.width()));
    out.put("choice.lambda", Double.toString(chosen.lambda()));
    out.put("choice.precision", chosen.precision().name());
    out.put("choice.bytes", Long.toString(chosen.bytes()));
    out.put("choice.macs", Long.toString(chosen.macs()));
    out.put("choice.looError", String.format(Locale.ROOT, "%.4f", chosen.looError()));
    out.put("choice.quantizationDropPoints",
        String.format(Locale.ROOT, "%.2f", chosen.quantizationDropPoints()));
    out.put("choice.estimatedError", String.format(Locale.ROOT, "%.4f", chosen.estimatedError()));
    out.put("choice.rule",
        "min closed-form LOO error + estimated quantization drop within budget;"
            + " ties: fewer bytes, fewer MACs, kind order, larger lambda");
    out.put("choice.budget.maxBytes", Long.toString(budget.maxBytes()));
    out.put("choice.budget.maxMacsPerFrame", Long.toString(budget.maxMacsPerFrame()));
    out.put("choice.budget.precisions", budget.precisions().stream().sorted().toList().toString());
    out.put("choice.seed", Long.toString(seed));
    out.put("choice.samples", Integer.toString(samples));
    for (int i = 0; i < candidates.size(); i++) {
      out.put("choice.candidate." + i, candidates.get(i).describe());
    }
    return out;
  }
}
