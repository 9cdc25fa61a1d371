package io.driftline.teacher.adapt;

import io.driftline.core.update.Precision;
import io.driftline.core.update.QuantizedMatrix;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Trains a small MLP adaptor {@code f → ReLU(W₁f + b₁) → W₂h + b₂} (section 5, second kind) by
 * mini-batch Adam with decoupled weight decay on weighted soft targets, with early stopping on a
 * seeded held-out split.
 *
 * <p>The network starts at the ridge adaptor of the same width and seed: {@code W₁} is the
 * {@link RandomProjection} matrix, {@code b₁ = 0}, and {@code (W₂, b₂)} is the closed-form ridge
 * head on the training split. The validation loss of that start is epoch 0 of early stopping, so the
 * returned network is never worse on the held-out split than the ridge it started from; SGD then
 * adds what a fixed random first layer cannot (most at small widths). This is also what lets the
 * zero-shot choice score an MLP without training it ({@link ZeroShotAdaptorChooser}).
 *
 * <p>For the 1-bit export a second phase continues from the best network with quantization-aware
 * training (every weight row seen as {@code sign × mean|w|}, the core BINARY rule, gradients passed
 * straight through to the float weights), early-stopped on the same split; see
 * {@link MlpHead#toAdaptor}.
 *
 * <p>Everything is plain single-threaded Java seeded from one {@code seed}: the same inputs and
 * settings give bit-identical weights. Instances are immutable and may be shared.
 */
public final class MlpAdaptorTrainer {

  private final int hiddenWidth;
  private final long seed;
  private final double lambda;
  private final double learningRate;
  private final double weightDecay;
  private final int batchSize;
  private final int maxEpochs;
  private final int patience;
  private final double validationFraction;

  private MlpAdaptorTrainer(Builder b) {
    this.hiddenWidth = b.hiddenWidth;
    this.seed = b.seed;
    this.lambda = b.lambda;
    this.learningRate = b.learningRate;
    this.weightDecay = b.weightDecay;
    this.batchSize = b.batchSize;
    this.maxEpochs = b.maxEpochs;
    this.patience = b.patience;
    this.validationFraction = b.validationFraction;
  }

  /** Returns a builder; {@link Builder#setHiddenWidth} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains on soft-labelled samples, as {@link RidgeAdaptorTrainer#add} takes them.
   *
   * @param features student feature vectors, all the same length
   * @param targets one target per sample: one-hot or the teacher's probabilities (K values, K ≥ 2)
   * @param weights one weight per sample, finite and {@code >= 0} (for example the pseudo-label
   *     weight)
   * @return the trained head, with its lineage
   * @throws IllegalArgumentException on mismatched counts or lengths, non-finite values, or too few
   *     weighted samples for the held-out split
   */
  public MlpHead train(float[][] features, float[][] targets, double[] weights) {
    int n = SampleChecks.check(features, targets, weights);
    int inputs = features[0].length;
    int classes = targets[0].length;
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = permutation(n, random);
    int validationCount = (int) Math.round(n * validationFraction);
    int[] validation = Arrays.copyOfRange(order, 0, validationCount);
    int[] train = Arrays.copyOfRange(order, validationCount, n);
    if (weightOf(train, weights) <= 0 || (validationCount > 0 && weightOf(validation, weights) <= 0)) {
      throw new IllegalArgumentException(
          n + " samples split into " + train.length + " for training and " + validationCount
              + " for validation leave a split without positive weight; add samples or change"
              + " the validation fraction (" + validationFraction + ")");
    }

    RandomProjection projection = new RandomProjection(inputs, hiddenWidth, seed);
    RidgeAdaptorTrainer ridge = new RidgeAdaptorTrainer(projection, classes, lambda);
    ridge.add("train", select(features, train), select(targets, train), select(weights, train));
    RidgeHead start = ridge.domainHead("train");
    Network net = new Network(projection.matrix(), start.outputWeights(), start.outputBias());

    Fit fp32 = fit(net, false, features, targets, weights, train, validation, random);
    Fit binary = fit(fp32.best, true, features, targets, weights, train, validation, random);

    Map<String, String> lineage = new LinkedHashMap<>();
    lineage.put("adaptor.kind", "mlp");
    lineage.put("adaptor.hidden", Integer.toString(hiddenWidth));
    lineage.put("adaptor.seed", Long.toString(seed));
    lineage.put("adaptor.lambda", Double.toString(lambda));
    lineage.put("adaptor.optimizer", "adamw");
    lineage.put("adaptor.learningRate", Double.toString(learningRate));
    lineage.put("adaptor.weightDecay", Double.toString(weightDecay));
    lineage.put("adaptor.batchSize", Integer.toString(batchSize));
    lineage.put("adaptor.epochs", Integer.toString(fp32.epochs));
    lineage.put("adaptor.bestEpoch", Integer.toString(fp32.bestEpoch));
    lineage.put("adaptor.binary.epochs", Integer.toString(binary.epochs));
    lineage.put("adaptor.binary.bestEpoch", Integer.toString(binary.bestEpoch));
    lineage.put("adaptor.samples.train", Integer.toString(train.length));
    lineage.put("adaptor.samples.validation", Integer.toString(validationCount));
    if (validationCount > 0) {
      lineage.put("adaptor.validationLoss.start", format(fp32.startLoss));
      lineage.put("adaptor.validationLoss.best", format(fp32.bestLoss));
      lineage.put("adaptor.binary.validationLoss.start", format(binary.startLoss));
      lineage.put("adaptor.binary.validationLoss.best", format(binary.bestLoss));
    }
    return withBinaryExport(fp32.best, binary.best, features, targets, weights, lineage);
  }

  /** Result of one training phase. */
  private record Fit(Network best, int epochs, int bestEpoch, double startLoss, double bestLoss) {}

  /**
   * Runs Adam epochs from {@code start} (not modified) with early stopping on the validation split.
   * With {@code binary}, forward and backward passes see every weight row as the device stores it
   * at 1 bit ({@code sign × mean|w|}) and the gradient updates the float weights (straight-through
   * estimator), i.e. quantization-aware training.
   */
  private Fit fit(
      Network start, boolean binary, float[][] features, float[][] targets, double[] weights,
      int[] train, int[] validation, SplittableRandom random) {
    Network net = start.copy();
    double startLoss =
        validation.length > 0 ? net.view(binary).loss(features, targets, weights, validation) : Double.NaN;
    double bestLoss = startLoss;
    Network best = net.copy();
    int bestEpoch = 0;
    int epochs = 0;
    Adam adam = new Adam(net);
    for (int epoch = 1; epoch <= maxEpochs; epoch++) {
      epochs = epoch;
      shuffle(train, random);
      for (int from = 0; from < train.length; from += batchSize) {
        int to = Math.min(train.length, from + batchSize);
        Network grad = net.view(binary).gradient(features, targets, weights, train, from, to);
        if (grad != null) {
          adam.step(net, grad, learningRate, weightDecay);
        }
      }
      if (validation.length == 0) {
        best = net.copy();
        bestEpoch = epoch;
        continue;
      }
      double loss = net.view(binary).loss(features, targets, weights, validation);
      if (loss < bestLoss) {
        bestLoss = loss;
        best = net.copy();
        bestEpoch = epoch;
      } else if (epoch - bestEpoch >= patience) {
        break;
      }
    }
    return new Fit(best, epochs, bestEpoch, startLoss, bestLoss);
  }

  /**
   * Prepares the 1-bit export from the quantization-aware network {@code binary}: its first layer is
   * exported with the core rule it was trained under; the output layer is refitted by
   * {@link MlpHead#toAdaptor} from the statistics, gathered here, of the hidden features the device
   * computes with that 1-bit first layer on all samples.
   */
  private MlpHead withBinaryExport(
      Network fp32, Network binary, float[][] features, float[][] targets, double[] weights,
      Map<String, String> lineage) {
    float[][] binaryW1 = new float[hiddenWidth][];
    for (int j = 0; j < hiddenWidth; j++) {
      binaryW1[j] = RidgeHead.toFloat(binary.w1[j]);
    }
    float[][] deviceW1 = QuantizedMatrix.quantize(binaryW1, Precision.BINARY).dequantize();
    RidgeStatistics hidden = new RidgeStatistics(hiddenWidth, targets[0].length);
    for (int i = 0; i < features.length; i++) {
      hidden.add(MlpHead.hidden(deviceW1, binary.b1, features[i]), targets[i], weights[i]);
    }
    return new MlpHead(
        fp32.w1, fp32.b1, fp32.w2, fp32.b2, binaryW1, binary.b1.clone(), hidden, lambda, lineage);
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, random);
    return order;
  }

  private static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static double weightOf(int[] idx, double[] weights) {
    double s = 0;
    for (int i : idx) {
      s += weights[i];
    }
    return s;
  }

  private static float[][] select(float[][] a, int[] idx) {
    float[][] out = new float[idx.length][];
    for (int i = 0; i < idx.length; i++) {
      out[i] = a[idx[i]];
    }
    return out;
  }

  private static double[] select(double[] a, int[] idx) {
    double[] out = new double[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = a[idx[i]];
    }
    return out;
  }

  /** Parameters (or their gradients) of the two-layer network, in double precision. */
  private static final class Network {
    final double[][] w1;
    final double[] b1;
    final double[][] w2;
    final double[] b2;

    Network(double[][] w1, double[] b1, double[][] w2, double[] b2) {
      this.w1 = w1;
      this.b1 = b1;
      this.w2 = w2;
      this.b2 = b2;
    }

    Network(float[][] projection, double[][] w2, double[] b2) {
      this(toDouble(projection), new double[projection.length], deepCopy(w2), b2.clone());
    }

    static Network zerosLike(Network n) {
      return new Network(
          new double[n.w1.length][n.w1[0].length], new double[n.b1.length],
          new double[n.w2.length][n.w2[0].length], new double[n.b2.length]);
    }

    Network copy() {
      return new Network(deepCopy(w1), b1.clone(), deepCopy(w2), b2.clone());
    }

    /** This network, or with {@code binary} its weights as the device stores them at 1 bit. */
    Network view(boolean binary) {
      return binary ? new Network(binarize(w1), b1, binarize(w2), b2) : this;
    }

    /** The core BINARY rule per row: {@code mean|w| × sign(w)}, with 0 counted as positive. */
    private static double[][] binarize(double[][] m) {
      double[][] out = new double[m.length][m[0].length];
      for (int r = 0; r < m.length; r++) {
        double scale = 0;
        for (double v : m[r]) {
          scale += Math.abs(v);
        }
        scale /= m[r].length;
        for (int c = 0; c < m[r].length; c++) {
          out[r][c] = m[r][c] >= 0 ? scale : -scale;
        }
      }
      return out;
    }

    /** Hidden pre-activations and output probabilities of one sample. */
    private double[] forward(float[] f, double[] z1) {
      for (int j = 0; j < w1.length; j++) {
        double s = b1[j];
        double[] row = w1[j];
        for (int c = 0; c < f.length; c++) {
          s += row[c] * f[c];
        }
        z1[j] = s;
      }
      double[] z2 = new double[b2.length];
      for (int k = 0; k < z2.length; k++) {
        double s = b2[k];
        double[] row = w2[k];
        for (int j = 0; j < row.length; j++) {
          s += row[j] * Math.max(0, z1[j]);
        }
        z2[k] = s;
      }
      return softmax(z2);
    }

    /** Weighted soft cross-entropy over the indexed samples, divided by their total weight. */
    double loss(float[][] features, float[][] targets, double[] weights, int[] idx) {
      double[] z1 = new double[w1.length];
      double total = 0;
      double weight = 0;
      for (int i : idx) {
        if (weights[i] == 0) {
          continue;
        }
        double[] p = forward(features[i], z1);
        double ce = 0;
        for (int k = 0; k < p.length; k++) {
          if (targets[i][k] != 0) {
            ce -= targets[i][k] * Math.log(Math.max(p[k], 1e-300));
          }
        }
        total += weights[i] * ce;
        weight += weights[i];
      }
      return total / weight;
    }

    /** Gradient of the loss over samples {@code idx[from, to)}, or null if they weigh nothing. */
    @Nullable Network gradient(
        float[][] features, float[][] targets, double[] weights, int[] idx, int from, int to) {
      double batchWeight = 0;
      for (int b = from; b < to; b++) {
        batchWeight += weights[idx[b]];
      }
      if (batchWeight <= 0) {
        return null;
      }
      Network g = zerosLike(this);
      double[] z1 = new double[w1.length];
      double[] dz1 = new double[w1.length];
      for (int b = from; b < to; b++) {
        int i = idx[b];
        double w = weights[i] / batchWeight;
        if (w == 0) {
          continue;
        }
        float[] f = features[i];
        float[] y = targets[i];
        double[] p = forward(f, z1);
        double ySum = 0;
        for (float v : y) {
          ySum += v;
        }
        Arrays.fill(dz1, 0);
        for (int k = 0; k < p.length; k++) {
          double dz2 = w * (p[k] * ySum - y[k]);
          g.b2[k] += dz2;
          double[] gRow = g.w2[k];
          double[] row = w2[k];
          for (int j = 0; j < z1.length; j++) {
            if (z1[j] > 0) {
              gRow[j] += dz2 * z1[j];
              dz1[j] += dz2 * row[j];
            }
          }
        }
        for (int j = 0; j < z1.length; j++) {
          if (dz1[j] != 0) {
            g.b1[j] += dz1[j];
            double[] gRow = g.w1[j];
            for (int c = 0; c < f.length; c++) {
              gRow[c] += dz1[j] * f[c];
            }
          }
        }
      }
      return g;
    }

    private static double[] softmax(double[] z) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      double[] p = new double[z.length];
      for (int k = 0; k < z.length; k++) {
        p[k] = Math.exp(z[k] - max);
        sum += p[k];
      }
      for (int k = 0; k < z.length; k++) {
        p[k] /= sum;
      }
      return p;
    }

    private static double[][] toDouble(float[][] m) {
      double[][] out = new double[m.length][m[0].length];
      for (int i = 0; i < m.length; i++) {
        for (int j = 0; j < m[i].length; j++) {
          out[i][j] = m[i][j];
        }
      }
      return out;
    }

    private static double[][] deepCopy(double[][] m) {
      double[][] out = new double[m.length][];
      for (int i = 0; i < m.length; i++) {
        out[i] = m[i].clone();
      }
      return out;
    }
  }

  /** AdamW (Loshchilov and Hutter): Adam moments plus weight decay applied to weights, not biases. */
  private static final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final Network m;
    private final Network v;
    private int t;

    Adam(Network like) {
      this.m = Network.zerosLike(like);
      this.v = Network.zerosLike(like);
    }

    void step(Network p, Network g, double lr, double decay) {
      t++;
      double c1 = 1 - Math.pow(BETA1, t);
      double c2 = 1 - Math.pow(BETA2, t);
      for (int i = 0; i < p.w1.length; i++) {
        update(p.w1[i], g.w1[i], m.w1[i], v.w1[i], lr, decay, c1, c2);
      }
      update(p.b1, g.b1, m.b1, v.b1, lr, 0, c1, c2);
      for (int i = 0; i < p.w2.length; i++) {
        update(p.w2[i], g.w2[i], m.w2[i], v.w2[i], lr, decay, c1, c2);
      }
      update(p.b2, g.b2, m.b2, v.b2, lr, 0, c1, c2);
    }

    private static void update(
        double[] p, double[] g, double[] m, double[] v, double lr, double decay, double c1, double c2) {
      for (int i = 0; i < p.length; i++) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
        v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
        p[i] -= lr * ((m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS) + decay * p[i]);
      }
    }
  }

  /** Builder: {@code setX} for required settings, {@code optX} for optional ones. */
  public static final class Builder {
    private int hiddenWidth;
    private long seed;
    private double lambda = 1e-3;
    private double learningRate = 1e-2;
    private double weightDecay = 1e-4;
    private int batchSize = 32;
    private int maxEpochs = 100;
    private int patience = 10;
    private double validationFraction = 0.2;

    private Builder() {}

    /** Hidden width H (required, {@code >= 1}). */
    public Builder setHiddenWidth(int width) {
      this.hiddenWidth = width;
      return this;
    }

    /** Seed of the first layer, the split and the batch order (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Ridge strength of the closed-form start of the output layer (default 1e-3). */
    public Builder optLambda(double lambda) {
      this.lambda = lambda;
      return this;
    }

    /** Adam learning rate (default 0.01). */
    public Builder optLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** Decoupled weight decay on the weight matrices, per step and relative to the rate (default 1e-4). */
    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Mini-batch size (default 32). */
    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Maximum number of epochs (default 100). */
    public Builder optMaxEpochs(int maxEpochs) {
      this.maxEpochs = maxEpochs;
      return this;
    }

    /** Epochs without a better validation loss before training stops (default 10). */
    public Builder optPatience(int patience) {
      this.patience = patience;
      return this;
    }

    /**
     * Fraction of samples held out for early stopping, in [0, 0.9] (default 0.2); 0 trains every
     * epoch on all samples and keeps the last weights.
     */
    public Builder optValidationFraction(double fraction) {
      this.validationFraction = fraction;
      return this;
    }

    /**
     * Checks the settings and builds the trainer.
     *
     * @throws IllegalArgumentException naming the first bad setting
     */
    public MlpAdaptorTrainer build() {
      require(hiddenWidth >= 1, "hidden width must be >= 1 (setHiddenWidth), got " + hiddenWidth);
      require(lambda > 0 && Double.isFinite(lambda), "ridge lambda must be finite and > 0, got " + lambda);
      require(learningRate > 0 && Double.isFinite(learningRate),
          "learning rate must be finite and > 0, got " + learningRate);
      require(weightDecay >= 0 && Double.isFinite(weightDecay),
          "weight decay must be finite and >= 0, got " + weightDecay);
      require(batchSize >= 1, "batch size must be >= 1, got " + batchSize);
      require(maxEpochs >= 0, "max epochs must be >= 0, got " + maxEpochs);
      require(patience >= 1, "patience must be >= 1, got " + patience);
      require(validationFraction >= 0 && validationFraction <= 0.9,
          "validation fraction must be in [0, 0.9], got " + validationFraction);
      return new MlpAdaptorTrainer(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
