package io.driftline.teacher.evaluate;

import io.driftline.core.corruption.CorruptionFamily;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Options of the {@code evaluate} command.
 *
 * @param models folder with {@code <student>.onnx} and {@code teacher.onnx} (plus their cards)
 * @param scenario scenario file, or null for the default scenario
 * @param out output folder of the JSON, plots and tables
 * @param doc Markdown file whose generated block is replaced by the tables, or null
 * @param student the student model id
 * @param quick the test profile (short prompt learning)
 * @param seed seed of random sampling, held-out splits and the random projection
 * @param budgets upload budgets in percent of a domain's pool frames
 * @param mainBudget the budget every family runs at (the others only for {@code budgetFamilies})
 * @param families corruption families to run, or null for every family in the scenario
 * @param severities severities to run
 * @param budgetFamilies families that run every budget, or null for all
 * @param scale factor on every segment length of the scenario (more frames per domain)
 * @param sourceSamples clean frames for the gate and the raw-frame routing (half each)
 */
public record EvaluateOptions(
    Path models,
    @Nullable Path scenario,
    Path out,
    @Nullable Path doc,
    String student,
    boolean quick,
    long seed,
    List<Double> budgets,
    double mainBudget,
    @Nullable List<CorruptionFamily> families,
    List<Integer> severities,
    @Nullable List<CorruptionFamily> budgetFamilies,
    int scale,
    int sourceSamples) {

  /** Copies the lists. */
  public EvaluateOptions {
    budgets = List.copyOf(budgets);
    severities = List.copyOf(severities);
    families = families == null ? null : List.copyOf(families);
    budgetFamilies = budgetFamilies == null ? null : List.copyOf(budgetFamilies);
  }

  /** Whether {@code family} runs at {@code budget}. */
  public boolean runs(CorruptionFamily family, double budget) {
    return budget == mainBudget || budgetFamilies == null || budgetFamilies.contains(family);
  }
}
