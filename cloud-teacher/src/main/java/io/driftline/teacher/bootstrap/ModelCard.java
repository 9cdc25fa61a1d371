package io.driftline.teacher.bootstrap;

import java.util.List;
import java.util.Map;

/**
 * What a bootstrapped model is and where it came from, written as JSON beside its ONNX file.
 *
 * @param name architecture id, such as {@code student-nano}
 * @param file the ONNX file name
 * @param sha256 SHA-256 of the ONNX file, hex
 * @param architecture layer summary
 * @param input input shape {@code [C, H, W]}
 * @param preprocessing pixel scale, mean and std the model expects
 * @param classNames class names by index
 * @param parameters trainable parameters
 * @param runningStatistics BatchNormalization running means and variances
 * @param macs multiply-accumulates per frame
 * @param flops floating-point operations per frame (2 per MAC)
 * @param weightBytes fp32 weight memory
 * @param peakActivationBytes largest layer input plus output for one frame, fp32
 * @param featureDimension length of the features output
 * @param training data, seed and hyper-parameters
 * @param evaluation accuracies on the test set
 * @param codeVersion git commit of the code that trained it ({@code unknown} outside a checkout)
 * @param createdAt ISO-8601 instant
 */
public record ModelCard(
    String name,
    String file,
    String sha256,
    String architecture,
    List<Integer> input,
    Map<String, Object> preprocessing,
    List<String> classNames,
    long parameters,
    long runningStatistics,
    long macs,
    long flops,
    long weightBytes,
    long peakActivationBytes,
    int featureDimension,
    Training training,
    Evaluation evaluation,
    String codeVersion,
    String createdAt) {

  /**
   * How the model was trained.
   *
   * @param data where the training samples came from
   * @param samples training samples used
   * @param seed seed of the weights, shuffling and augmentation
   * @param profile {@code full} or {@code quick}
   * @param epochs passes over the samples
   * @param batchSize samples per step
   * @param learningRate peak learning rate (AdamW, warm-up then cosine decay)
   * @param weightDecay AdamW weight decay
   * @param augmentationFamilies corruption families used for augmentation (empty: clean only)
   * @param augmentationProbability share of frames corrupted
   * @param unseenFamilies families never shown in training
   * @param finalLoss mean loss of the last epoch
   * @param seconds training wall-clock time
   */
  public record Training(
      String data,
      int samples,
      long seed,
      String profile,
      int epochs,
      int batchSize,
      double learningRate,
      double weightDecay,
      List<String> augmentationFamilies,
      double augmentationProbability,
      List<String> unseenFamilies,
      double finalLoss,
      double seconds) {}

  /**
   * Test-set accuracies, measured through ONNX Runtime.
   *
   * @param data where the test samples came from
   * @param cleanSamples clean frames evaluated
   * @param corruptedSamples frames per family and severity
   * @param corruptionSeed seed of the corruptions
   * @param clean clean accuracy
   * @param meanOverFamilies severity to mean accuracy over all families
   * @param perFamily severity to (family to accuracy)
   */
  public record Evaluation(
      String data,
      int cleanSamples,
      int corruptedSamples,
      long corruptionSeed,
      double clean,
      Map<Integer, Double> meanOverFamilies,
      Map<Integer, Map<String, Double>> perFamily) {}
}
