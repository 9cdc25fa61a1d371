package io.driftline.teacher.train;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.data.LabeledImages;
import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Measures the clean and per-corruption-family accuracy of several ONNX classifiers on the same
 * frames, through ONNX Runtime ({@link StudentModel}), the path devices run. Each corrupted frame
 * is generated once and shown to every model.
 */
public final class RobustnessEvaluation {

  private static final int CHUNK = 500;

  private RobustnessEvaluation() {}

  /**
   * Accuracies of one model.
   *
   * @param clean accuracy on the clean frames
   * @param cleanSamples number of clean frames
   * @param corruptedSamples number of frames per family and severity
   * @param bySeverity severity to (family id to accuracy), families in declaration order
   */
  public record Accuracy(double clean, int cleanSamples, int corruptedSamples, Map<Integer, Map<String, Double>> bySeverity) {

    /** Mean accuracy over the families at {@code severity}. */
    public double meanOverFamilies(int severity) {
      return bySeverity.getOrDefault(severity, Map.of()).values().stream()
          .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
  }

  /**
   * Evaluates {@code models} on the first {@code cleanLimit} frames of {@code test} clean, and on
   * the first {@code corruptedLimit} frames corrupted by every family at every given severity.
   *
   * @param seed the corruption seed (frame index is the sample index)
   * @param progress receives one line per family and severity
   * @return one result per model, in order
   */
  public static List<Accuracy> evaluate(List<StudentModel> models, LabeledImages test, int cleanLimit,
      int corruptedLimit, List<Integer> severities, long seed, Consumer<String> progress) {
    int cleanCount = Math.min(cleanLimit, test.size());
    int corruptedCount = Math.min(corruptedLimit, test.size());
    long[] cleanCorrect = count(models, test, cleanCount, null, 0, seed);
    List<Map<Integer, Map<String, Double>>> bySeverity = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      bySeverity.add(new LinkedHashMap<>());
    }
    for (int severity : severities) {
      for (CorruptionFamily family : CorruptionFamily.values()) {
        long[] correct = count(models, test, corruptedCount, family, severity, seed);
        StringBuilder line = new StringBuilder("evaluated " + family.id() + " severity " + severity + ":");
        for (int m = 0; m < models.size(); m++) {
          double accuracy = (double) correct[m] / corruptedCount;
          bySeverity.get(m).computeIfAbsent(severity, s -> new LinkedHashMap<>()).put(family.id(), accuracy);
          line.append(String.format(java.util.Locale.ROOT, " %.4f", accuracy));
        }
        progress.accept(line.toString());
      }
    }
    List<Accuracy> results = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      results.add(new Accuracy((double) cleanCorrect[m] / cleanCount, cleanCount, corruptedCount, bySeverity.get(m)));
    }
    return results;
  }

  private static long[] count(List<StudentModel> models, LabeledImages test, int count,
      @Nullable CorruptionFamily family, int severity, long seed) {
    long[] correct = new long[models.size()];
    for (int start = 0; start < count; start += CHUNK) {
      int from = start;
      int size = Math.min(CHUNK, count - start);
      // Corruptions are pure functions of (frame, severity, seed, index), so they can run in parallel.
      List<Image> frames = IntStream.range(0, size).parallel()
          .mapToObj(i -> family == null ? test.image(from + i) : family.apply(test.image(from + i), severity, seed, from + i))
          .toList();
      for (int m = 0; m < models.size(); m++) {
        float[][] logits = models.get(m).infer(frames).logits();
        for (int i = 0; i < size; i++) {
          if (argmax(logits[i]) == test.label(from + i)) {
            correct[m]++;
          }
        }
      }
    }
    return correct;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
