package io.driftline.teacher.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.djl.ImportedModel;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains an imported ONNX classifier with softmax cross-entropy on its {@code logits} output,
 * using DJL autograd and Adam; BatchNormalization running statistics are updated as it goes, so
 * {@link ImportedModel#toOnnx()} afterwards holds a model ready for inference.
 */
public final class ClassifierTrainer {

  private static final long PROGRESS_INTERVAL_NANOS = 10_000_000_000L;

  private ClassifierTrainer() {}

  /**
   * Trains {@code model} on {@code data}.
   *
   * @param name the model's name in progress lines
   * @param progress receives a report about every 10 seconds and at the end of every epoch
   * @throws IllegalArgumentException if the model has no logits output or the data set is smaller than a batch
   */
  public static TrainingReport train(String name, ImportedModel model, TensorDataset data, TrainingConfig config,
      Consumer<TrainingProgress> progress) {
    int logitsIndex = model.block().outputNames().indexOf(StudentModel.DEFAULT_LOGITS_OUTPUT);
    if (logitsIndex < 0) {
      throw new IllegalArgumentException("model " + name + " has no '" + StudentModel.DEFAULT_LOGITS_OUTPUT
          + "' output; outputs are " + model.block().outputNames());
    }
    int batch = config.batchSize();
    int batches = data.size() / batch;
    if (batches == 0) {
      throw new IllegalArgumentException("training set of " + data.size() + " samples is smaller than one batch of " + batch);
    }
    int totalSteps = batches * config.epochs();
    int[] step = {0};
    Optimizer adam = Optimizer.adamW()
        .optLearningRateTracker((parameterId, update) -> config.learningRateAt(step[0], totalSteps))
        .optWeightDecays(config.weightDecay())
        .build();
    Loss loss = Loss.softmaxCrossEntropyLoss();
    DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss)
        .optOptimizer(adam)
        .optDevices(new Device[] {Device.cpu()});
    Engine.getEngine(model.model().getNDManager().getEngine().getEngineName()).setRandomSeed((int) config.seed());
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom shuffler = new SplittableRandom(config.seed());
    float[] images = new float[batch * data.frameSize()];
    float[] labels = new float[batch];
    Shape inputShape = new Shape(batch, data.channels(), data.height(), data.width());
    long start = System.nanoTime();
    long lastReport = start;
    double epochLoss = 0;
    try (Trainer trainer = model.model().newTrainer(trainingConfig)) {
      trainer.initialize(inputShape);
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        shuffle(order, shuffler);
        double lossSum = 0;
        for (int b = 0; b < batches; b++) {
          data.fillBatch(order, b * batch, batch, images, labels, config.augmentation(), epoch);
          try (NDManager batchManager = trainer.getManager().newSubManager()) {
            NDArray x = batchManager.create(images, inputShape);
            NDArray y = batchManager.create(labels, new Shape(batch));
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDList outputs = trainer.forward(new NDList(x));
              NDArray value = loss.evaluate(new NDList(y), new NDList(outputs.get(logitsIndex)));
              collector.backward(value);
              lossSum += value.getFloat();
            }
            trainer.step();
            step[0]++;
          }
          long now = System.nanoTime();
          if (now - lastReport >= PROGRESS_INTERVAL_NANOS || b == batches - 1) {
            lastReport = now;
            double seconds = (now - start) / 1e9;
            double rate = (double) step[0] * batch / seconds;
            Duration eta = Duration.ofSeconds((long) ((totalSteps - step[0]) * batch / Math.max(rate, 1e-9)));
            progress.accept(new TrainingProgress(name, epoch, config.epochs(), b + 1, batches, lossSum / (b + 1), rate, eta));
          }
        }
        epochLoss = lossSum / batches;
      }
    }
    return new TrainingReport(data.size(), config.epochs(), step[0], epochLoss, Duration.ofNanos(System.nanoTime() - start));
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
