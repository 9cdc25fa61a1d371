package io.driftline.teacher.adapt;

import io.driftline.core.update.Adaptor;
import io.driftline.core.update.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Measures what each device precision costs: the exported adaptor's size and its accuracy on
 * labelled samples, evaluated with the device-side {@link Adaptor} itself.
 *
 * @param precision the weight precision
 * @param bytes the adaptor's size as stored in a bundle ({@link Adaptor#byteSize()})
 * @param accuracy fraction of samples whose device-side prediction equals the label
 * @param dropPoints accuracy lost against FP32, in percentage points (0 for FP32)
 */
public record QuantizationCost(Precision precision, long bytes, double accuracy, double dropPoints) {

  /**
   * Exports at every precision and measures each on the same samples.
   *
   * @param export adaptor at a given precision (for example {@link RidgeHead#toAdaptor})
   * @param features student features of the evaluation samples
   * @param labels their labels (true or pseudo-labels)
   * @return one entry per precision, FP32 first
   */
  public static List<QuantizationCost> measure(
      Function<Precision, Adaptor> export, float[][] features, int[] labels) {
    if (features.length != labels.length || features.length == 0) {
      throw new IllegalArgumentException(
          "need the same non-zero number of feature vectors and labels, got "
              + features.length + " and " + labels.length);
    }
    List<QuantizationCost> out = new ArrayList<>();
    double fp32 = Double.NaN;
    for (Precision p : Precision.values()) {
      Adaptor a = export.apply(p);
      int correct = 0;
      for (int i = 0; i < features.length; i++) {
        if (RidgeHead.argmax(a.adaptorLogits(features[i])) == labels[i]) {
          correct++;
        }
      }
      double acc = (double) correct / features.length;
      if (p == Precision.FP32) {
        fp32 = acc;
      }
      out.add(new QuantizationCost(p, a.byteSize(), acc, 100 * (fp32 - acc)));
    }
    return out;
  }

  /** Lineage entries ({@code quantization.<precision>.accuracy|bytes|drop}) for a measurement. */
  public static Map<String, String> lineage(List<QuantizationCost> costs) {
    Map<String, String> out = new TreeMap<>();
    for (QuantizationCost c : costs) {
      String key = "quantization." + c.precision().name().toLowerCase(java.util.Locale.ROOT);
      out.put(key + ".accuracy", String.format(java.util.Locale.ROOT, "%.4f", c.accuracy()));
      out.put(key + ".bytes", Long.toString(c.bytes()));
      out.put(key + ".dropPoints", String.format(java.util.Locale.ROOT, "%.2f", c.dropPoints()));
    }
    return out;
  }
}
