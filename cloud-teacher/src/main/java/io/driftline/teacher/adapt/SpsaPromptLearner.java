package io.driftline.teacher.adapt;

import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.core.update.VisualPrompt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Visual prompt learning (VPLU), black-box mode: the same weighted KL objective as
 * {@link PromptLearner}, optimised by SPSA with gradient correction (BlackVIP's SPSA-GC) using only
 * forward passes of the device student (ONNX Runtime) on frames prompted by the core
 * {@link VisualPrompt} itself.
 *
 * <p>Step k: perturbation size {@code c_k = c / k^0.101}, step size {@code a_k = a / (k + A)^0.602}
 * (Spall's standard exponents, {@code A} = 10% of the steps). The gradient is estimated at the
 * look-ahead point {@code θ + β·m} from {@code q} Rademacher perturbations Δ:
 * {@code ĝ = mean[(L(θ' + c_kΔ) − L(θ' − c_kΔ)) / (2c_k) · Δ]}, then {@code m ← β·m − a_k·ĝ},
 * {@code θ ← θ + m} (Nesterov-style correction, β = 0.9).
 */
public final class SpsaPromptLearner {

  /** Lineage value of {@code prompt.mode} for this learner. */
  public static final String BLACK_BOX = "black-box";

  private static final double BETA = 0.9;

  private SpsaPromptLearner() {}

  /**
   * Hyper-parameters.
   *
   * @param promptHeight height h of the additive prompt
   * @param promptWidth width w of the additive prompt
   * @param steps SPSA steps, each on one mini-batch
   * @param stepSize a, the step-size numerator
   * @param perturbation c, the perturbation-size numerator
   * @param perturbationsPerStep q, perturbations averaged per gradient estimate
   * @param batchSize mini-batch size
   * @param uncertaintyWeighting weight samples by the student's uncertainty
   * @param seed seed of mini-batches and perturbations
   */
  public record Config(
      int promptHeight,
      int promptWidth,
      int steps,
      double stepSize,
      double perturbation,
      int perturbationsPerStep,
      int batchSize,
      boolean uncertaintyWeighting,
      long seed) {

    /** Checks the values. */
    public Config {
      if (promptHeight <= 0 || promptWidth <= 0 || steps <= 0 || batchSize <= 0 || perturbationsPerStep <= 0) {
        throw new IllegalArgumentException("prompt size, steps, perturbations and batch size must be positive");
      }
      if (!(stepSize > 0) || !(perturbation > 0)) {
        throw new IllegalArgumentException(
            "SPSA step size and perturbation must be > 0, got " + stepSize + ", " + perturbation);
      }
    }
  }

  /**
   * Learns a prompt with forward passes only.
   *
   * @param student the device student
   * @param frames uploaded frames in pixel space, all of the student's channel count
   * @param teacherProbabilities the teacher's soft label per frame
   */
  public static PromptLearner.Result learn(
      StudentModel student, List<Image> frames, float[][] teacherProbabilities, Config config) {
    if (frames.isEmpty() || frames.size() != teacherProbabilities.length) {
      throw new IllegalArgumentException(
          "need the same non-zero number of frames and teacher labels, got " + frames.size()
              + " and " + teacherProbabilities.length);
    }
    int c = frames.get(0).channels();
    int ph = config.promptHeight();
    int pw = config.promptWidth();
    int dim = 2 * c + c * ph * pw;
    int n = frames.size();
    double[] weights =
        config.uncertaintyWeighting()
            ? PromptLoss.uncertaintyWeights(student.infer(frames).logits())
            : PromptLoss.ones(n);
    double[] theta = identity(c, dim);
    double initial = loss(student, frames, teacherProbabilities, weights, theta, c, ph, pw, null);
    double[] m = new double[dim];
    SplittableRandom random = new SplittableRandom(config.seed());
    int batch = Math.min(config.batchSize(), n);
    double stabiliser = 0.1 * config.steps();
    for (int k = 1; k <= config.steps(); k++) {
      int[] idx = new int[batch];
      for (int i = 0; i < batch; i++) {
        idx[i] = batch == n ? i : random.nextInt(n);
      }
      double ck = config.perturbation() / Math.pow(k, 0.101);
      double ak = config.stepSize() / Math.pow(k + stabiliser, 0.602);
      double[] look = new double[dim];
      for (int j = 0; j < dim; j++) {
        look[j] = theta[j] + BETA * m[j];
      }
      double[] g = new double[dim];
      for (int q = 0; q < config.perturbationsPerStep(); q++) {
        double[] delta = new double[dim];
        double[] plus = new double[dim];
        double[] minus = new double[dim];
        for (int j = 0; j < dim; j++) {
          delta[j] = random.nextBoolean() ? 1 : -1;
          plus[j] = look[j] + ck * delta[j];
          minus[j] = look[j] - ck * delta[j];
        }
        double diff =
            loss(student, frames, teacherProbabilities, weights, plus, c, ph, pw, idx)
                - loss(student, frames, teacherProbabilities, weights, minus, c, ph, pw, idx);
        for (int j = 0; j < dim; j++) {
          g[j] += diff / (2 * ck) * delta[j] / config.perturbationsPerStep();
        }
      }
      for (int j = 0; j < dim; j++) {
        m[j] = BETA * m[j] - ak * g[j];
        theta[j] += m[j];
      }
    }
    double last = loss(student, frames, teacherProbabilities, weights, theta, c, ph, pw, null);
    Map<String, String> lineage = new LinkedHashMap<>();
    lineage.put("prompt.mode", BLACK_BOX);
    lineage.put("prompt.size", ph + "x" + pw);
    lineage.put("prompt.steps", Integer.toString(config.steps()));
    lineage.put("prompt.spsa.stepSize", Double.toString(config.stepSize()));
    lineage.put("prompt.spsa.perturbation", Double.toString(config.perturbation()));
    lineage.put("prompt.spsa.perturbationsPerStep", Integer.toString(config.perturbationsPerStep()));
    lineage.put("prompt.batchSize", Integer.toString(config.batchSize()));
    lineage.put("prompt.uncertaintyWeighting", Boolean.toString(config.uncertaintyWeighting()));
    lineage.put("prompt.samples", Integer.toString(n));
    lineage.put("prompt.loss.initial", String.format(Locale.ROOT, "%.6f", initial));
    lineage.put("prompt.loss.final", String.format(Locale.ROOT, "%.6f", last));
    return new PromptLearner.Result(prompt(theta, c, ph, pw), initial, last, lineage);
  }

  private static double[] identity(int c, int dim) {
    double[] theta = new double[dim];
    for (int ch = 0; ch < c; ch++) {
      theta[ch] = 1;
    }
    return theta;
  }

  private static VisualPrompt prompt(double[] theta, int c, int ph, int pw) {
    float[] scale = new float[c];
    float[] shift = new float[c];
    float[] p = new float[c * ph * pw];
    for (int ch = 0; ch < c; ch++) {
      scale[ch] = (float) theta[ch];
      shift[ch] = (float) theta[c + ch];
    }
    for (int j = 0; j < p.length; j++) {
      p[j] = (float) theta[2 * c + j];
    }
    return new VisualPrompt(scale, shift, ph, pw, p);
  }

  private static double loss(
      StudentModel student,
      List<Image> frames,
      float[][] teacher,
      double[] weights,
      double[] theta,
      int c,
      int ph,
      int pw,
      int[] idx) {
    VisualPrompt prompt = prompt(theta, c, ph, pw);
    int count = idx == null ? frames.size() : idx.length;
    List<Image> prompted = new ArrayList<>(count);
    float[][] t = new float[count][];
    double[] w = new double[count];
    for (int i = 0; i < count; i++) {
      int s = idx == null ? i : idx[i];
      prompted.add(prompt.apply(frames.get(s)));
      t[i] = teacher[s];
      w[i] = weights[s];
    }
    return PromptLoss.weightedKl(t, student.infer(prompted).logits(), w);
  }
}
