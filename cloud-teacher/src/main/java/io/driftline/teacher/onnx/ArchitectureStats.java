package io.driftline.teacher.onnx;

/**
 * Size and cost of an architecture for one frame.
 *
 * @param parameters trainable values (weights, biases, BatchNormalization scales and shifts)
 * @param runningStatistics non-trainable BatchNormalization means and variances
 * @param macs multiply-accumulates of one inference (convolutions and dense layers)
 * @param weightBytes bytes of all initializers in fp32
 * @param peakActivationBytes largest input-plus-output tensor of one layer for one frame, in fp32
 */
public record ArchitectureStats(
    long parameters, long runningStatistics, long macs, long weightBytes, long peakActivationBytes) {

  /** FLOPs of one inference, counted as two per multiply-accumulate. */
  public long flops() {
    return 2 * macs;
  }
}
