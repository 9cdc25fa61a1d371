package io.driftline.teacher.adapt;

import io.driftline.core.update.Adaptor;
import io.driftline.core.update.DenseLayer;
import io.driftline.core.update.Precision;
import io.driftline.core.update.QuantizedMatrix;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a device can afford for one adaptor: its size as stored in a bundle, its compute per frame
 * and the weight precisions it runs.
 *
 * <p>Sizes and compute are counted as the device counts them: bytes are {@link Adaptor#byteSize()}
 * (weights and per-row scales as stored by {@link QuantizedMatrix#byteSize()}, plus 4 bytes of fp32
 * bias per output); MACs are one multiply-accumulate per weight, {@code Σ in·out} over the layers,
 * as the reference architectures count dense layers (a 1-bit layer does additions instead, but the
 * count of weight visits is the same). The domain id and HDC prototype a {@code DomainAdaptor} adds
 * are not part of the adaptor budget.
 *
 * @param maxBytes largest adaptor size in bytes, {@code > 0}
 * @param maxMacsPerFrame largest number of multiply-accumulates per frame, {@code > 0}
 * @param precisions weight precisions the device can run, not empty
 */
public record AdaptorBudget(long maxBytes, long maxMacsPerFrame, Set<Precision> precisions) {

  /** Checks the limits and copies the precisions. */
  public AdaptorBudget {
    if (maxBytes <= 0 || maxMacsPerFrame <= 0) {
      throw new IllegalArgumentException(
          "adaptor budget needs maxBytes > 0 and maxMacsPerFrame > 0, got " + maxBytes + " and "
              + maxMacsPerFrame);
    }
    if (precisions.isEmpty()) {
      throw new IllegalArgumentException("adaptor budget needs at least one allowed precision");
    }
    precisions = Set.copyOf(EnumSet.copyOf(precisions));
  }

  /** Whether an adaptor of this size, compute and precision fits. */
  public boolean admits(long bytes, long macs, Precision precision) {
    return bytes <= maxBytes && macs <= maxMacsPerFrame && precisions.contains(precision);
  }

  /** Whether an exported adaptor fits (every layer at an allowed precision). */
  public boolean admits(Adaptor adaptor) {
    for (DenseLayer layer : adaptor.layers()) {
      if (!precisions.contains(layer.weights().precision())) {
        return false;
      }
    }
    return adaptor.byteSize() <= maxBytes && macs(adaptor) <= maxMacsPerFrame;
  }

  /** Multiply-accumulates of one frame through an adaptor: {@code Σ in·out} over its layers. */
  public static long macs(Adaptor adaptor) {
    long total = 0;
    for (DenseLayer layer : adaptor.layers()) {
      total += (long) layer.inputSize() * layer.outputSize();
    }
    return total;
  }

  /**
   * Bytes of one dense layer {@code in → out} at a precision, exactly as {@link DenseLayer#byteSize()}
   * counts them once exported.
   */
  public static long layerBytes(int in, int out, Precision precision) {
    long bias = 4L * out;
    return bias + switch (precision) {
      case FP32 -> 4L * in * out;
      case INT8 -> (long) in * out + 4L * out;
      case BINARY -> 8L * out * QuantizedMatrix.wordsPerRow(in) + 4L * out;
    };
  }
}
