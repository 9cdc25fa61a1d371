package io.driftline.core.sampling;

import java.util.List;

/**
 * What the sampler chose from one window and why it left the rest. Every candidate of the window is
 * either chosen or counted under exactly one rejection reason.
 *
 * @param chosen the chosen candidates, highest score first
 * @param rejectedBelowMinScore candidates scoring below the policy's minimum
 * @param rejectedDuplicate candidates too similar to an already chosen one
 * @param rejectedFrameBudget candidates left out because the window's frame quota was used up
 * @param rejectedByteBudget candidates larger than the byte budget still available
 * @param bytesChosen total byte size of the chosen candidates
 * @param bytesCarriedOver unused byte budget carried to the next window (capped)
 */
public record Selection(
    List<Candidate> chosen,
    int rejectedBelowMinScore,
    int rejectedDuplicate,
    int rejectedFrameBudget,
    int rejectedByteBudget,
    long bytesChosen,
    double bytesCarriedOver) {

  /** Copies the chosen list so the selection stays immutable. */
  public Selection {
    chosen = List.copyOf(chosen);
  }

  /** Number of rejected candidates, all reasons together. */
  public int rejected() {
    return rejectedBelowMinScore + rejectedDuplicate + rejectedFrameBudget + rejectedByteBudget;
  }
}
