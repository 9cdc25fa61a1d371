package io.driftline.core.events;

/**
 * Samples a device wanted to upload in a window but did not.
 *
 * @param overBudget frames UGS ranked worth uploading that the upload budget (frames or bytes/s) cut
 * @param bufferFull queued samples evicted from the offline buffer while the device could not send
 */
public record DropCounts(long overBudget, long bufferFull) {

  /** No drops. */
  public static final DropCounts NONE = new DropCounts(0, 0);

  /** Checks that both counts are non-negative. */
  public DropCounts {
    Checks.nonNegative(overBudget, "dropped.overBudget");
    Checks.nonNegative(bufferFull, "dropped.bufferFull");
  }
}
