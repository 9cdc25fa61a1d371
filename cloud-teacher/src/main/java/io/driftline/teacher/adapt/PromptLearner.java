package io.driftline.teacher.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import io.driftline.core.model.Preprocessing;
import io.driftline.core.update.VisualPrompt;
import io.driftline.teacher.djl.DjlEngines;
import io.driftline.teacher.djl.ImportedModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Visual prompt learning (VPLU), white-box mode: learns the device's {@link VisualPrompt}
 * {@code x' = clip(a⊙x + b + resize(P), 0, 1)} by minimising
 * {@code Σ wᵢ·KL(teacherᵢ ‖ student(x'ᵢ)) / Σ wᵢ} with gradients through the imported student, whose
 * weights stay frozen (only a, b and P are updated, by Adam).
 *
 * <p>The weight {@code wᵢ} is the unprompted student's normalised predictive entropy
 * {@code H(pᵢ)/log K} (uncertainty-guided updating: frames the student is unsure about count more),
 * or 1 when weighting is off. The low-resolution prompt is upsampled inside the graph by the exact
 * linear map of {@link ImageOps#resize} (built by resizing basis images), so the prompt the teacher
 * optimises is the one the device applies.
 *
 * <p>The full weighted KL is evaluated {@value #CHECKPOINTS} times during the run (and at its end);
 * the prompt returned is the best of those checkpoints and the identity prompt, so a run that
 * overshoots never returns a prompt worse than no prompt on its own samples.
 */
public final class PromptLearner {

  /** Lineage value of {@code prompt.mode} for this learner. */
  public static final String WHITE_BOX = "white-box";

  /** How many times per run the full loss is checked to keep the best prompt. */
  static final int CHECKPOINTS = 5;

  /** Samples per forward pass when the loss or the weights are computed over all samples. */
  static final int EVAL_BATCH = 64;

  private PromptLearner() {}

  /**
   * Hyper-parameters.
   *
   * @param promptHeight height h of the additive prompt (≤ frame height)
   * @param promptWidth width w of the additive prompt (≤ frame width)
   * @param steps optimisation steps, each on one mini-batch
   * @param learningRate Adam learning rate
   * @param batchSize mini-batch size
   * @param uncertaintyWeighting weight samples by the student's uncertainty
   * @param seed mini-batch sampling seed
   */
  public record Config(
      int promptHeight,
      int promptWidth,
      int steps,
      double learningRate,
      int batchSize,
      boolean uncertaintyWeighting,
      long seed) {

    /** Checks the values. */
    public Config {
      if (promptHeight <= 0 || promptWidth <= 0 || steps <= 0 || batchSize <= 0) {
        throw new IllegalArgumentException(
            "prompt size, steps and batch size must be positive, got " + promptHeight + "x"
                + promptWidth + ", " + steps + ", " + batchSize);
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
      }
    }
  }

  /**
   * What the learner produced.
   *
   * @param prompt the learned prompt, ready for a bundle
   * @param initialLoss weighted KL over all samples with the identity prompt
   * @param finalLoss weighted KL over all samples with the learned prompt
   * @param lineage mode, hyper-parameters and losses ({@code prompt.*})
   */
  public record Result(
      VisualPrompt prompt, double initialLoss, double finalLoss, Map<String, String> lineage) {}

  /**
   * Learns a prompt.
   *
   * @param student the imported student (its weights are not changed)
   * @param preprocessing the student's normalisation, applied after the prompt
   * @param logitsOutput index of the logits among the graph outputs
   * @param frames uploaded frames, all of one shape, in pixel space [0,1]
   * @param teacherProbabilities the teacher's soft label per frame (K values summing to 1)
   */
  public static Result learnWhiteBox(
      ImportedModel student,
      Preprocessing preprocessing,
      int logitsOutput,
      List<Image> frames,
      float[][] teacherProbabilities,
      Config config) {
    return learnWhiteBox(student, preprocessing, logitsOutput, frames, teacherProbabilities, config, manager -> { });
  }

  /**
   * {@link #learnWhiteBox(ImportedModel, Preprocessing, int, List, float[][], Config)} that shows {@code beforeClose}
   * the run's manager after the last step, before it is closed: what it still holds then is what every step kept.
   */
  static Result learnWhiteBox(
      ImportedModel student,
      Preprocessing preprocessing,
      int logitsOutput,
      List<Image> frames,
      float[][] teacherProbabilities,
      Config config,
      Consumer<NDManager> beforeClose) {
    if (frames.isEmpty() || frames.size() != teacherProbabilities.length) {
      throw new IllegalArgumentException(
          "need the same non-zero number of frames and teacher labels, got " + frames.size()
              + " and " + teacherProbabilities.length);
    }
    Image first = frames.get(0);
    int c = first.channels();
    int height = first.height();
    int width = first.width();
    for (Image f : frames) {
      if (f.channels() != c || f.height() != height || f.width() != width) {
        throw new IllegalArgumentException("frames differ in shape: " + c + "x" + height + "x" + width
            + " and " + f.channels() + "x" + f.height() + "x" + f.width());
      }
    }
    if (!preprocessing.fits(c)) {
      throw new IllegalArgumentException("preprocessing " + preprocessing + " does not fit " + c + " channels");
    }
    if (config.promptHeight() > height || config.promptWidth() > width) {
      throw new IllegalArgumentException("prompt " + config.promptHeight() + "x" + config.promptWidth()
          + " is larger than the frames " + height + "x" + width);
    }
    int n = frames.size();
    int k = teacherProbabilities[0].length;
    int frameSize = c * height * width;
    float[] pixels = new float[n * frameSize];
    float[] teacher = new float[n * k];
    double[] teacherNegEntropy = new double[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(frames.get(i).pixels(), 0, pixels, i * frameSize, frameSize);
      if (teacherProbabilities[i].length != k) {
        throw new IllegalArgumentException("teacher label " + i + " has "
            + teacherProbabilities[i].length + " classes, expected " + k);
      }
      for (int j = 0; j < k; j++) {
        float p = teacherProbabilities[i][j];
        teacher[i * k + j] = p;
        teacherNegEntropy[i] += p > 0 ? p * Math.log(p) : 0;
      }
    }
    float[] mean = new float[c];
    float[] invStd = new float[c];
    for (int ch = 0; ch < c; ch++) {
      mean[ch] = preprocessing.mean()[preprocessing.mean().length == 1 ? 0 : ch];
      invStd[ch] = 1f / preprocessing.std()[preprocessing.std().length == 1 ? 0 : ch];
    }
    int ph = config.promptHeight();
    int pw = config.promptWidth();
    float[] resize = resizeMatrix(ph, pw, height, width);

    Engine engine = DjlEngines.pytorch();
    try (NDManager manager = NDManager.newBaseManager(DjlEngines.ENGINE)) {
      NDArray x = manager.create(pixels, new Shape(n, c, height, width));
      NDArray t = manager.create(teacher, new Shape(n, k));
      NDArray tNegH = manager.create(toFloat(teacherNegEntropy), new Shape(n));
      NDArray resizeMap = manager.create(resize, new Shape((long) ph * pw, (long) height * width));
      NDArray meanArr = manager.create(mean, new Shape(1, c, 1, 1));
      NDArray invStdArr = manager.create(invStd, new Shape(1, c, 1, 1));
      // Never NDArray.mul(Number) in the graph: DJL wraps the number in a tensor over a direct buffer and closes
      // it at once, but autograd keeps that tensor for the backward pass, so a garbage collection in between
      // scaled the step's gradient by freed memory (runs drifted apart at random). Held here, it lives until the
      // last backward.
      NDArray pixelScale = manager.create(preprocessing.pixelScale());
      ParameterStore store = new ParameterStore(manager, false);

      float[] sampleWeights = new float[n];
      if (config.uncertaintyWeighting()) {
        for (int from = 0; from < n; from += EVAL_BATCH) {
          try (NDScope scope = new NDScope()) {
            NDArray xs = x.get(from + ":" + Math.min(n, from + EVAL_BATCH));
            NDArray logp = student.block().forward(store, new NDList(xs.mul(pixelScale).sub(meanArr).mul(invStdArr)),
                false).get(logitsOutput).logSoftmax(1);
            float[] chunk = logp.exp().mul(logp).sum(new int[] {1}).neg().div(Math.log(k)).toFloatArray();
            for (int i = 0; i < chunk.length; i++) {
              sampleWeights[from + i] = chunk[i] + 1e-6f; // a fully confident batch still has a defined loss
            }
          }
        }
      } else {
        Arrays.fill(sampleWeights, 1f);
      }
      NDArray weights = manager.create(sampleWeights, new Shape(n));
      NDArray[] params = {
        manager.ones(new Shape(c)), manager.zeros(new Shape(c)), manager.zeros(new Shape(c, (long) ph * pw))
      };
      NDArray[] m1 = new NDArray[3];
      NDArray[] m2 = new NDArray[3];
      for (int i = 0; i < 3; i++) {
        params[i].setRequiresGradient(true);
        m1[i] = manager.zeros(params[i].getShape());
        m2[i] = manager.zeros(params[i].getShape());
      }
      Forward forward =
          (xs, ts, tnh) -> {
            NDArray full = params[2].matMul(resizeMap).reshape(1, c, height, width);
            NDArray prompted = xs.mul(params[0].reshape(1, c, 1, 1)).add(params[1].reshape(1, c, 1, 1))
                .add(full).clip(0f, 1f);
            NDArray norm = prompted.mul(pixelScale).sub(meanArr).mul(invStdArr);
            NDArray logq = student.block().forward(store, new NDList(norm), false).get(logitsOutput).logSoftmax(1);
            return tnh.sub(ts.mul(logq).sum(new int[] {1}));
          };
      double initialLoss = fullLoss(forward, x, t, tNegH, sampleWeights);
      // Adam on a mini-batch objective can overshoot and end worse than it was (even worse than no
      // prompt), so the full weighted KL is checked every few steps and the best prompt seen is kept;
      // the identity prompt is the first candidate.
      int checkEvery = Math.max(1, config.steps() / CHECKPOINTS);
      double bestLoss = initialLoss;
      int bestStep = 0;
      float[][] best = {params[0].toFloatArray(), params[1].toFloatArray(), params[2].toFloatArray()};
      SplittableRandom random = new SplittableRandom(config.seed());
      int batch = Math.min(config.batchSize(), n);
      double beta1 = 0.9;
      double beta2 = 0.999;
      for (int step = 1; step <= config.steps(); step++) {
        // An operator's result belongs to its first operand's manager (here the run's), so a sub-manager would not
        // free a step's activations and gradients: the scope closes every array the step creates but the new
        // parameters. Without it a 150-step run held about 1 GB of native memory until its end.
        try (NDScope scope = new NDScope()) {
          long[] idx = new long[batch];
          for (int i = 0; i < batch; i++) {
            idx[i] = batch == n ? i : random.nextInt(n);
          }
          NDArray index = manager.create(idx);
          NDArray xs = x.get(index);
          NDArray ts = t.get(index);
          NDArray tnh = tNegH.get(index);
          NDArray ws = weights.get(index);
          try (GradientCollector collector = engine.newGradientCollector()) {
            collector.backward(forward.kl(xs, ts, tnh).mul(ws).sum().div(ws.sum().add(1e-12f)).reshape(new Shape()));
          }
          double corr1 = 1 - Math.pow(beta1, step);
          double corr2 = 1 - Math.pow(beta2, step);
          for (int i = 0; i < 3; i++) {
            NDArray g = params[i].getGradient();
            m1[i].muli(beta1).addi(g.mul(1 - beta1));
            m2[i].muli(beta2).addi(g.square().mul(1 - beta2));
            NDArray update = m1[i].div(corr1).div(m2[i].div(corr2).sqrt().add(1e-8)).mul(config.learningRate());
            NDArray next = params[i].sub(update).stopGradient();
            NDScope.unregister(next);
            params[i].close();
            params[i] = next;
            params[i].setRequiresGradient(true);
          }
        }
        if (step % checkEvery == 0 || step == config.steps()) {
          double loss = fullLoss(forward, x, t, tNegH, sampleWeights);
          if (loss < bestLoss) {
            bestLoss = loss;
            bestStep = step;
            best = new float[][] {params[0].toFloatArray(), params[1].toFloatArray(), params[2].toFloatArray()};
          }
        }
      }
      beforeClose.accept(manager);
      double finalLoss = bestLoss;
      VisualPrompt prompt = new VisualPrompt(best[0], best[1], ph, pw, best[2]);
      Map<String, String> lineage = new LinkedHashMap<>();
      lineage.put("prompt.mode", WHITE_BOX);
      lineage.put("prompt.size", ph + "x" + pw);
      lineage.put("prompt.steps", Integer.toString(config.steps()));
      lineage.put("prompt.learningRate", Double.toString(config.learningRate()));
      lineage.put("prompt.batchSize", Integer.toString(config.batchSize()));
      lineage.put("prompt.uncertaintyWeighting", Boolean.toString(config.uncertaintyWeighting()));
      lineage.put("prompt.samples", Integer.toString(n));
      lineage.put("prompt.loss.initial", String.format(Locale.ROOT, "%.6f", initialLoss));
      lineage.put("prompt.loss.final", String.format(Locale.ROOT, "%.6f", finalLoss));
      lineage.put("prompt.bestStep", Integer.toString(bestStep));
      return new Result(prompt, initialLoss, finalLoss, lineage);
    }
  }

  /**
   * The weighted KL over all samples, {@value #EVAL_BATCH} at a time so that its peak memory does not grow with the
   * number of samples; each chunk's arrays are closed with it.
   */
  private static double fullLoss(Forward forward, NDArray x, NDArray t, NDArray tNegH, float[] weights) {
    int n = weights.length;
    double weighted = 0;
    double total = 0;
    for (int from = 0; from < n; from += EVAL_BATCH) {
      String rows = from + ":" + Math.min(n, from + EVAL_BATCH);
      try (NDScope scope = new NDScope()) {
        float[] kl = forward.kl(x.get(rows), t.get(rows), tNegH.get(rows)).toFloatArray();
        for (int i = 0; i < kl.length; i++) {
          weighted += (double) kl[i] * weights[from + i];
          total += weights[from + i];
        }
      }
    }
    return weighted / (total + 1e-12);
  }

  /** The per-sample KL of the teacher's labels to the prompted student. */
  @FunctionalInterface
  private interface Forward {
    NDArray kl(NDArray x, NDArray teacher, NDArray teacherNegEntropy);
  }

  /**
   * The linear map of {@link ImageOps#resize} from an {@code h×w} plane to {@code H×W}, as a
   * row-major {@code [h·w][H·W]} matrix: row j is the resized j-th basis image.
   */
  static float[] resizeMatrix(int h, int w, int height, int width) {
    int plane = height * width;
    float[] map = new float[h * w * plane];
    for (int j = 0; j < h * w; j++) {
      float[] basis = new float[h * w];
      basis[j] = 1f;
      Image resized = ImageOps.resize(new Image(1, h, w, basis), height, width);
      System.arraycopy(resized.pixels(), 0, map, j * plane, plane);
    }
    return map;
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
