package io.driftline.teacher.adapt;

import io.driftline.core.update.Precision;
import java.util.Locale;

/**
 * One adaptor the zero-shot choice considered, with its device cost and its training-free score.
 *
 * @param kind the adaptor kind
 * @param width hidden width or random-projection size (0 for {@link AdaptorKind#LINEAR})
 * @param lambda ridge strength of the closed-form head (NaN when not scored)
 * @param precision weight precision of the export
 * @param bytes the exported adaptor's {@code byteSize()}
 * @param macs multiply-accumulates per frame
 * @param withinBudget whether bytes, MACs and precision fit the budget (only those are scored)
 * @param looError closed-form leave-one-out error rate of the full-precision ridge head (NaN when
 *     not scored)
 * @param quantizationDropPoints estimated accuracy lost by exporting at {@code precision}, in points
 *     (0 for FP32; NaN when not scored)
 * @param estimatedError {@code looError + quantizationDropPoints / 100}, what the choice minimises
 */
public record AdaptorCandidate(
    AdaptorKind kind,
    int width,
    double lambda,
    Precision precision,
    long bytes,
    long macs,
    boolean withinBudget,
    double looError,
    double quantizationDropPoints,
    double estimatedError) {

  /** Whether the candidate was scored (it fits the budget). */
  public boolean scored() {
    return withinBudget && !Double.isNaN(estimatedError);
  }

  /** Short name such as {@code ridge 16->64->10 INT8}. */
  String shape(int inputs, int classes) {
    String layers = kind == AdaptorKind.LINEAR
        ? inputs + "->" + classes
        : inputs + "->" + width + "->" + classes;
    return kind.name().toLowerCase(Locale.ROOT) + " " + layers + " " + precision;
  }

  /** One-line description for the lineage. */
  String describe() {
    StringBuilder s = new StringBuilder()
        .append("kind=").append(kind.name().toLowerCase(Locale.ROOT))
        .append(" width=").append(width)
        .append(" precision=").append(precision)
        .append(" bytes=").append(bytes)
        .append(" macs=").append(macs);
    if (!withinBudget) {
      return s.append(" overBudget").toString();
    }
    return s.append(" lambda=").append(lambda)
        .append(String.format(Locale.ROOT, " looError=%.4f quantDropPoints=%.2f estimatedError=%.4f",
            looError, quantizationDropPoints, estimatedError))
        .toString();
  }
}
